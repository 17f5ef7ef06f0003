/**
 * The build arguments of the work tree's test image, shared by the container suite's files (not a test file). The
 * flood test and the hardened test build the Dockerfile with the SAME arguments, so the second build takes every
 * layer, the NuGet restore and the Native AOT publish included, from the first one's layer cache: the build stage
 * declares GIT_SHA, VERSION, SOURCE_DATE_EPOCH and BUILD_TIME before its RUN steps, so a different value of any of them
 * (or SOURCE_DATE_EPOCH left to build-image.sh's default, HEAD's commit time, which changes with every commit) redoes
 * the restore and the publish (~45-150 s on 2 cores).
 */
export const TEST_SHA = "0123456789abcdef0123456789abcdef01234567";
export const TEST_VERSION = "0.0.0-containertest";
export const TEST_SOURCE = "https://github.com/berth/berth";
// Fixed, so repeated runs reuse the cached AOT publish layer (a changing build arg would redo it every time).
export const TEST_BUILD_TIME = "2026-01-02T03:04:05Z";
export const TEST_SOURCE_DATE_EPOCH = String(Date.parse(TEST_BUILD_TIME) / 1000);

/** The environment scripts/containers/build-image.sh reads its build arguments from. */
export const TEST_BUILD_ENV = {
  GIT_SHA: TEST_SHA,
  VERSION: TEST_VERSION,
  SOURCE_URL: TEST_SOURCE,
  BUILD_TIME: TEST_BUILD_TIME,
  SOURCE_DATE_EPOCH: TEST_SOURCE_DATE_EPOCH,
};
