/**
 * The one test-support module (not a test file): the pinned values, the stack inputs, the queries over a captured
 * stack, and `captureProgram`, the supported way to run the program under mocks (any number of times per process).
 * Imported by their own path: `fixtures` (the fixture stack files), `componentMocks` (one component constructed alone
 * under fresh mocks) and `extremeConfigs` (valid configurations at the limits the settings readers accept).
 */
export * from "./constants";
export * from "./stackInputs";
export * from "./resources";
export * from "./capture";
export * from "./workflows";
