import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { defineAgent } from "eve";

// The model is the repo's loopback fake provider (test/harness/fake-provider.mjs),
// at FAKE_PROVIDER_URL. Its `x-fixture` header picks the recorded answer: a tool
// call first, then, once a tool result is in the conversation, the reply.
const fake = createOpenAICompatible({
  name: "fake",
  baseURL: `${process.env.FAKE_PROVIDER_URL ?? "http://127.0.0.1:9"}/v1`,
  apiKey: "sk-test-fake",
  includeUsage: true,
  fetch: async (url, init) => {
    const body = typeof init?.body === "string" ? init.body : "";
    const afterTool = body.includes('"role":"tool"');
    const headers = new Headers(init?.headers);
    headers.set("x-fixture", afterTool ? "openai/eve-after-tool" : "openai/eve-tool-call");
    return fetch(url, { ...init, headers });
  },
});

export default defineAgent({
  model: fake("gpt-4o-mini"),
  modelContextWindowTokens: 64_000,
});
