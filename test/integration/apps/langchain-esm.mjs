// ESM app: LangChain and LangGraph imported as an ESM app imports them (the ESM
// build of @langchain/core). ONLY picks scenarios; LangGraph and langchain are
// loaded only when a scenario needs them, so ONLY=chain proves @langchain/core
// alone is traced.
import { pathToFileURL } from 'node:url';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { RunnableLambda, RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { FakeListChatModel, FakeRetriever } from '@langchain/core/utils/testing';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { Document } from '@langchain/core/documents';
import scenario from './langchain-scenario.cjs';

const only = process.env.ONLY ? process.env.ONLY.split(',') : undefined;
const needsGraph = !only || only.some((n) => ['graph', 'reactAgent', 'createAgent', 'streaming'].includes(n));
const lc = { ChatPromptTemplate, StringOutputParser, RunnableLambda, RunnablePassthrough, RunnableSequence, FakeListChatModel, FakeRetriever, BaseChatModel, AIMessage, HumanMessage, tool, Document };
if (needsGraph) {
  const { StateGraph, Annotation, START, END } = await import('@langchain/langgraph');
  const { createReactAgent } = await import('@langchain/langgraph/prebuilt');
  const { createAgent } = await import('langchain');
  Object.assign(lc, { StateGraph, Annotation, START, END, createReactAgent, createAgent });
}
const api = process.env.CATALYST_DIST && process.env.NO_AGENT_SPAN !== '1' ? await import(pathToFileURL(`${process.env.CATALYST_DIST}/esm/index.mjs`).href) : {};
await scenario.run(lc, { agentSpan: api.agentSpan, only });
