from __future__ import annotations

import pytest

from humanloop.prompt_utils import (
    PromptVariablesNotFoundError,
    populate_chat_template,
    populate_prompt_template,
    populate_template,
)


def test_string_template_with_and_without_spaces_and_non_string_inputs() -> None:
    text = "Hi {{name}}, you are {{ age }} and {{flags.ok}}"
    assert populate_prompt_template(text, {"name": "Ada", "age": 36, "flags.ok": True}) == "Hi Ada, you are 36 and True"


def test_two_spaces_are_not_a_variable() -> None:
    assert populate_prompt_template("{{  name  }}", {}) == "{{  name  }}"


def test_missing_variables_are_listed_sorted() -> None:
    with pytest.raises(PromptVariablesNotFoundError) as info:
        populate_prompt_template("{{b}} {{a}} {{c}}", {"c": 1})
    assert info.value.missing_variables == ["a", "b"]
    assert isinstance(info.value, ValueError)


def test_chat_template_is_copied_and_filled_including_text_parts() -> None:
    template = [
        {"role": "system", "content": "You are {{person}}."},
        {
            "role": "user",
            "content": [{"type": "text", "text": "Ask {{topic}}"}, {"type": "image_url", "image_url": {"url": "u"}}],
        },
    ]
    out = populate_chat_template(template, {"person": "Ada", "topic": "maths"})  # type: ignore[arg-type]
    assert out[0]["content"] == "You are Ada."
    assert out[1]["content"][0]["text"] == "Ask maths"  # type: ignore[index]
    assert template[0]["content"] == "You are {{person}}."  # the input is untouched


def test_chat_template_missing_variables_across_messages() -> None:
    template = [{"role": "system", "content": "{{x}}"}, {"role": "user", "content": "{{y}}"}]
    with pytest.raises(PromptVariablesNotFoundError) as info:
        populate_chat_template(template, {})  # type: ignore[arg-type]
    assert info.value.missing_variables == ["x", "y"]


def test_populate_template_dispatches_on_form() -> None:
    assert populate_template("{{a}}", {"a": "1"}) == "1"
    assert populate_template([{"role": "user", "content": "{{a}}"}], {"a": "2"}) == [{"role": "user", "content": "2"}]  # type: ignore[arg-type,comparison-overlap]
