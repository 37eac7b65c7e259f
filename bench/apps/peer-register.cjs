// The peer, CommonJS: `node --require ./peer-register.cjs app.cjs`. No loader:
// the instrumentations patch through require-in-the-middle.
'use strict';
require('./peer-sdk.cjs');
