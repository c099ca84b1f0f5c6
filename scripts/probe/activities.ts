/** The probe's only activity: it notes when it ran and, optionally, waits like a cloud API call. */
export function createProbeActivities(callMs = 0) {
  return {
    async probeStep(_step: number): Promise<number> {
      const at = Date.now();
      if (callMs > 0) await new Promise((r) => setTimeout(r, callMs));
      return at;
    },
  };
}

export type ProbeActivities = ReturnType<typeof createProbeActivities>;
