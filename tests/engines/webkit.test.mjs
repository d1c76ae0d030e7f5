// The cross-engine suite (suite.mjs) in WebKitGTK's MiniBrowser, through WebKitWebDriver under Xvfb.
import { defineSuite } from './suite.mjs';

defineSuite('webkit');
