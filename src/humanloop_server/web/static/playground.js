// The playground: runs the edited Prompt and shows the answer as it streams in (server-sent
// events over a POST, read with fetch), and keeps the input fields in step with the template.
(function () {
  "use strict";
  var form = document.getElementById("playground");
  if (!form) return;
  var output = document.getElementById("pg-output");
  var status = document.getElementById("pg-status");
  var button = document.getElementById("pg-run-button");
  var inputs = document.getElementById("pg-input-fields");
  var VARIABLE = /{{\s?([a-zA-Z_\d.\[\]]+)\s?}}/g;

  function templateVariables() {
    var names = [];
    form.querySelectorAll("textarea.template").forEach(function (area) {
      if (area.id === "pg-more") return;
      var m;
      VARIABLE.lastIndex = 0;
      while ((m = VARIABLE.exec(area.value)) !== null) {
        if (names.indexOf(m[1]) < 0) names.push(m[1]);
      }
    });
    return names;
  }

  function syncInputs() {
    var wanted = templateVariables();
    var existing = {};
    inputs.querySelectorAll("[data-variable]").forEach(function (field) {
      existing[field.getAttribute("data-variable")] = field;
    });
    inputs.textContent = "";
    if (!wanted.length) {
      var none = document.createElement("p");
      none.className = "muted small";
      none.textContent = "The template has no {{inputs}}.";
      inputs.appendChild(none);
    }
    wanted.forEach(function (name, i) {
      var wrap = document.createElement("div");
      wrap.className = "field";
      var label = document.createElement("label");
      label.htmlFor = "input-" + i;
      label.textContent = name;
      var area = existing[name] || document.createElement("textarea");
      area.id = "input-" + i;
      area.name = "input." + name;
      area.rows = 2;
      area.setAttribute("data-variable", name);
      wrap.appendChild(label);
      wrap.appendChild(area);
      inputs.appendChild(wrap);
    });
  }

  form.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("template")) syncInputs();
  });

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error small" : "muted small";
  }

  function handle(event, state) {
    if (event.output) output.textContent += event.output;
    if (event.id) state.logId = event.id;
    if (event.error) {
      state.error = event.error;
    }
    if (event.finish_reason) state.finish = event.finish_reason;
  }

  async function run() {
    output.textContent = "";
    say("Running…", false);
    button.disabled = true;
    output.setAttribute("aria-busy", "true");
    var state = { logId: null, error: null, finish: null };
    try {
      var csrf = form.querySelector("input[name=csrf_token]").value;
      var response = await fetch(form.getAttribute("data-run"), {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRF-Token": csrf, Accept: "text/event-stream" },
        credentials: "same-origin",
      });
      if (!response.ok || !response.body) {
        var type = response.headers.get("Content-Type") || "";
        say(
          type.indexOf("text/plain") === 0
            ? await response.text()
            : "The run was refused (HTTP " + response.status + "). Reload the page and try again.",
          true
        );
        return;
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        var parts = buffer.split("\n\n");
        buffer = parts.pop();
        parts.forEach(function (part) {
          part.split("\n").forEach(function (line) {
            if (line.indexOf("data: ") === 0) handle(JSON.parse(line.slice(6)), state);
          });
        });
      }
      status.textContent = "";
      if (state.error) {
        say("Error: " + state.error, true);
      } else {
        status.className = "muted small";
        status.append("Done" + (state.finish ? " (" + state.finish + ")" : "") + ". ");
      }
      if (state.logId) {
        var link = document.createElement("a");
        link.href = "/logs/" + encodeURIComponent(state.logId);
        link.textContent = "Open the Log";
        link.id = "pg-log-link";
        status.append(link);
      }
    } catch (err) {
      say("The run failed: " + err, true);
    } finally {
      button.disabled = false;
      output.setAttribute("aria-busy", "false");
    }
  }

  button.addEventListener("click", run);
})();
