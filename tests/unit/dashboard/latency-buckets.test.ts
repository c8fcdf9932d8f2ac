import { describe, expect, it } from "vitest";
import { bucketStartSeconds, histogramQuantile } from "@/server/dashboard/latency-buckets";

describe("latency buckets", () => {
  it("are whole seconds below 2 minutes, 10 seconds below 10 minutes, minutes below an hour, then hours", () => {
    expect([0, 119, 120, 121, 167, 168, 169, 217, 218, 240, 241].map(bucketStartSeconds)).toEqual([
      0, 119, 120, 130, 590, 600, 660, 3540, 3600, 82_800, 86_400,
    ]);
  });

  it("start strictly later bucket by bucket, so the histogram's order is the latency order", () => {
    const starts = Array.from({ length: 242 }, (_, bucket) => bucketStartSeconds(bucket));
    expect(starts.every((start, i) => i === 0 || start > starts[i - 1]!)).toBe(true);
  });

  it("give nearest-rank percentiles as the start of the bucket they fall in", () => {
    const histogram = [
      { bucket: 5, messages: 2 },
      { bucket: 130, messages: 1 },
      { bucket: 170, messages: 1 },
    ];
    expect(histogramQuantile(histogram, 0.5)).toBe(5);
    expect(histogramQuantile(histogram, 0.75)).toBe(220);
    expect(histogramQuantile(histogram, 0.9)).toBe(720);
    expect(histogramQuantile([], 0.5)).toBeNull();
  });
});
