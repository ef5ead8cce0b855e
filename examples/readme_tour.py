"""The 0.8.6 README's examples, run against a live server.

Reads HUMANLOOP_API_KEY and HUMANLOOP_BASE_URL from the environment (``scripts/demo.py``
starts an embedded server and sets both). Prints what each step did.
"""

from __future__ import annotations

import asyncio
import datetime

from humanloop import AsyncHumanloop, Humanloop
from humanloop.core.api_error import ApiError


def sync_part(client: Humanloop) -> str:
    log = client.prompts.log(
        path="persona",
        prompt={
            "model": "gpt-4",
            "template": [
                {
                    "role": "system",
                    "content": "You are {{person}}. Answer questions as this person. Do not break character.",
                }
            ],
        },
        messages=[{"role": "user", "content": "What really happened at Roswell?"}],
        inputs={"person": "Trump"},
        created_at=datetime.datetime.fromisoformat("2024-07-19 00:29:35.178000+00:00"),
        provider_latency=6.5931549072265625,
        output_message={"content": "Something very, very peculiar happened there.", "role": "assistant"},
        prompt_tokens=100,
        output_tokens=220,
        prompt_cost=1e-05,
        output_cost=0.0002,
        finish_reason="stop",
    )
    print(f"1. prompts.log           -> log {log.id} on prompt {log.prompt_id}, version {log.version_id}")

    for i in range(4):
        client.prompts.log(
            path="persona",
            prompt={"model": "gpt-4", "template": [{"role": "system", "content": "You are {{person}}."}]},
            inputs={"person": f"guest {i}"},
            output=f"answer {i}",
        )
    pager = client.logs.list(file_id=log.prompt_id, size=2)
    pages = [[item.id for item in page.items] for page in pager.iter_pages()]
    print(f"2. logs.list(size=2)     -> {sum(map(len, pages))} logs over {len(pages)} pages: {pages}")

    prompts = client.prompts.list(size=10)
    print(f"3. prompts.list          -> {[p.path for p in prompts]}")

    try:
        client.prompts.get(id="pr_does_not_exist")
    except ApiError as error:
        print(f"4. ApiError caught       -> status {error.status_code}, body {error.body}")

    client.prompts.get(id=log.prompt_id, request_options={"max_retries": 1, "timeout_in_seconds": 5})
    print("5. request_options       -> max_retries=1, timeout_in_seconds=5 accepted")

    # the server's "mock" provider answers deterministically, without any model or network
    words = []
    for chunk in client.prompts.call_stream(
        path="persona-live",
        prompt={
            "model": "mock-1",
            "provider": "mock",
            "template": [{"role": "system", "content": "You are {{person}}."}],
        },
        inputs={"person": "a pirate"},
        messages=[{"role": "user", "content": "Where is the treasure?"}],
    ):
        words.append(chunk.output or "")
    print(f"6. prompts.call_stream   -> {len(words)} events: {''.join(words)!r}")
    return log.prompt_id


async def async_part(prompt_id: str) -> None:
    async with AsyncHumanloop() as client:
        created = await client.prompts.log(path="persona", inputs={"person": "async guest"}, output="async answer")
        pager = await client.logs.list(file_id=prompt_id, size=100)
        count = len([item async for item in pager])
        print(f"7. AsyncHumanloop        -> logged {created.id}; the prompt now has {count} logs")


def main() -> None:
    with Humanloop() as client:
        prompt_id = sync_part(client)
    asyncio.run(async_part(prompt_id))
    print("done: every README example ran against the embedded server")


if __name__ == "__main__":
    main()
