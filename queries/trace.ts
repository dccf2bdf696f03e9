/** RELEASELENS_TRACE=1: how long each model takes to build and each query to answer, on stderr. */
export const trace = (t0: number, what: string) => {
  // RELEASELENS_TRACE=1 prints how long each model takes to build and each query to answer.
  if (process.env.RELEASELENS_TRACE) {
    process.stderr.write(`  ${((performance.now() - t0) / 1000).toFixed(3)} s  ${what}\n`);
  }
};
