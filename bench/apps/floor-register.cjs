// The floor (floor-core.cjs), CommonJS face: `node --require ./floor-register.cjs app.cjs`.
'use strict';
require('./floor-core.cjs').installFloor(require('openai').OpenAI);
