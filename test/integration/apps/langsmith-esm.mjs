// ESM app: LangSmith's ESM build (traceable.mjs, wrappers/openai.mjs), `openai` 7 ESM.
import { traceable } from 'langsmith/traceable';
import { wrapOpenAI } from 'langsmith/wrappers/openai';
import { Client } from 'langsmith';
import OpenAI from 'openai';
import scenario from './langsmith-scenario.cjs';

await scenario.run({ traceable, wrapOpenAI, Client, OpenAI });
