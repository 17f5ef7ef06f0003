// Preloaded AFTER tsx by scripts/test and scripts/plan (`node --import tsx --import ./offline/sourceMapsOff.ts ...`):
// turns off source-mapped stack traces, which tsx turns on (process.setSourceMapsEnabled(true) when it registers).
// With them on, Node reads and parses the .js.map file of every module that names one (each @pulumi/* file does) and
// maps every `new Error().stack`, which @pulumi/pulumi takes for every resource it registers (resource.js: the
// resource's source position): 10-25 % of the CPU of a test file or an offline plan on this machine. A stack trace
// then names lines of tsx's JavaScript, not of the .ts file: BERTH_SOURCE_MAPS=1 keeps them (a test file run alone
// with `node --import tsx --test <file>` has them anyway).
if (process.env.BERTH_SOURCE_MAPS !== "1") process.setSourceMapsEnabled(false);
