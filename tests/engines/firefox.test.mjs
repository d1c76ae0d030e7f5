// The cross-engine suite (suite.mjs) in Firefox ESR, through WebDriver BiDi.
import { defineSuite } from './suite.mjs';

defineSuite('firefox');
