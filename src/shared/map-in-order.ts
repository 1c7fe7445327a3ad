/**
 * Maps the inputs with at most `limit` calls in flight, results in the inputs' order.
 * For reads that are independent round trips: the database works on the next while
 * this process handles the last. Once a call fails no new one starts, and the first
 * failure is thrown after the calls in flight have settled.
 */
export async function mapInOrder<I, O>(inputs: readonly I[], limit: number, map: (input: I, index: number) => Promise<O>): Promise<O[]> {
  const results = new Array<O>(inputs.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < inputs.length && failure === null) {
      const index = next++;
      try {
        results[index] = await map(inputs[index] as I, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, inputs.length)) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}
