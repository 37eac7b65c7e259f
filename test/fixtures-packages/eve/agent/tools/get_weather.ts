import { defineTool } from "eve/tools";

export default defineTool({
  description: "Get the current weather for a city.",
  inputSchema: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
  async execute(input) {
    return { city: String(input.city), condition: "Sunny", temperatureC: 21 };
  },
});
