// Benchmark handler: a trigger that returns its event unchanged.
export const handler = async (event) => event;
