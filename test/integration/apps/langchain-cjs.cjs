// CJS app: the same scenarios through require(), i.e. the CJS build of @langchain/core.
'use strict';
const { ChatPromptTemplate } = require('@langchain/core/prompts');
const { StringOutputParser } = require('@langchain/core/output_parsers');
const { RunnableLambda, RunnablePassthrough, RunnableSequence } = require('@langchain/core/runnables');
const { FakeListChatModel, FakeRetriever } = require('@langchain/core/utils/testing');
const { BaseChatModel } = require('@langchain/core/language_models/chat_models');
const { AIMessage, HumanMessage } = require('@langchain/core/messages');
const { tool } = require('@langchain/core/tools');
const { Document } = require('@langchain/core/documents');
const { StateGraph, Annotation, START, END } = require('@langchain/langgraph');
const { createReactAgent } = require('@langchain/langgraph/prebuilt');
const { createAgent } = require('langchain');
const scenario = require('./langchain-scenario.cjs');

const lc = { ChatPromptTemplate, StringOutputParser, RunnableLambda, RunnablePassthrough, RunnableSequence, FakeListChatModel, FakeRetriever, BaseChatModel, AIMessage, HumanMessage, tool, Document, StateGraph, Annotation, START, END, createReactAgent, createAgent };
const { agentSpan } = process.env.CATALYST_DIST ? require(`${process.env.CATALYST_DIST}/index.js`) : {};
scenario.run(lc, { agentSpan, only: process.env.ONLY ? process.env.ONLY.split(',') : undefined }).catch((error) => {
  console.error(error);
  process.exit(1);
});
