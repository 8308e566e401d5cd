// The real MSCONS samples (domain/test-data/mscons/*/SOURCE.md, MIT): parsed with their sums, counts
// and intervals checked against the figures written down when they were copied.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EdifactError, parseEdifactSegments } from "./edifact.ts";
import { msconsSeriesUnit, parseMscons, sumMsconsQuantities } from "./mscons.ts";
import { checkMsconsIntervals } from "./mscons-intervals.ts";

const DIR = new URL("../../test-data/mscons/", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, DIR), "utf8");
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof EdifactError) return e.message;
    throw e;
  }
  return "no error";
}

describe("EDIFACT segments", () => {
  it("splits on the terminator and separators, honouring the release character", () => {
    const { segments } = parseEdifactSegments("UNB+A?+B:C?'D+E'DTM+163:201912140000?+01:303'");
    expect(segments.map((s) => [s.tag, s.elements, s.number, s.position])).toEqual([
      ["UNB", [["A+B", "C'D"], ["E"]], 1, 1],
      ["DTM", [["163", "201912140000+01", "303"]], 2, 17],
    ]);
  });

  it("reads UNA: another terminator and a decimal comma", () => {
    const { syntax, segments } = parseEdifactSegments("UNA:+,? !UNB+X!QTY+220:0,5!");
    expect(syntax.decimalMark).toBe(",");
    expect(segments.map((s) => s.tag)).toEqual(["UNB", "QTY"]);
  });

  it("skips a byte-order mark, counting it in positions", () => {
    const { segments } = parseEdifactSegments("\uFEFFUNA:+.? 'UNB+A'QTY+1'");
    expect(segments.map((s) => [s.tag, s.position])).toEqual([
      ["UNB", 11],
      ["QTY", 17],
    ]);
  });

  it.each([
    ["UNB+A'QT+1'", 'segment 2 "QT" at character 7: a segment tag is three capital letters'],
    ["UNB+A'QTY+1", 'segment 2 QTY at character 7: not terminated by "\'"'],
    ["UNB+A?", "segment 1 ? at character 6: release character at the end of the text"],
  ])("refuses %j naming segment and position", (text, message) => {
    expect(errorOf(() => parseEdifactSegments(text))).toBe(message);
  });
});

describe("MSCONS samples", () => {
  it("msconsconverter Multiple_LOC: two metering points in March 2022, sums 709.5 + 1117.9 kWh, DST day of 92 quarter hours", () => {
    const ic = parseMscons(read("msconsconverter/MSCONS_TL_Multiple_LOC_SAMPLE.txt"));
    expect(ic.warnings).toEqual([]);
    expect([ic.sender, ic.recipient, ic.controlReference]).toEqual([
      "4041407000008",
      "9903100000006",
      "E-121808993A",
    ]);
    expect(ic.messages.map((m) => m.locations.map((l) => l.meteringPointId))).toEqual([
      ["51481308448"],
      ["51481308456"],
    ]);
    const series = ic.messages.map((m) => m.locations[0]!.series[0]!);
    expect(series.map((s) => [s.productCode, s.values.length, sumMsconsQuantities(s.values)])).toEqual([
      ["AUA", 2972, "709.5"],
      ["AUA", 2972, "1117.9"],
    ]);
    expect(series.map(msconsSeriesUnit)).toEqual(["kWh", "kWh"]);
    expect(series[0]!.values[0]).toMatchObject({
      qualifier: "220",
      unit: "KWH",
      startMs: Date.parse("2022-02-28T23:00:00Z"),
    });
    const loc = ic.messages[0]!.locations[0]!;
    expect([iso(loc.periodStartMs), iso(loc.periodEndMs)]).toEqual([
      "2022-02-28T23:00:00.000Z",
      "2022-03-31T22:00:00.000Z",
    ]);
    for (const s of series) {
      const { findings, intervalsPerDay } = checkMsconsIntervals(s.values, {
        stepMinutes: 15,
        timeZone: "Europe/Berlin",
      });
      expect(findings).toEqual([]);
      expect(intervalsPerDay.get("2022-03-27")).toBe(92);
      expect(intervalsPerDay.get("2022-03-28")).toBe(96);
      expect(intervalsPerDay.size).toBe(31);
    }
  });

  it("msconsconverter SAMPLE01: decimal comma, 2976 values summing to 680.282, its odd intervals found", () => {
    const ic = parseMscons(read("msconsconverter/MSCONS_TL_SAMPLE01.txt"));
    const loc = ic.messages[0]!.locations[0]!;
    expect(loc.meteringPointId).toBe("US0001062600000001000000022345671");
    const s = loc.series[0]!;
    expect([s.productCode, s.values.length, sumMsconsQuantities(s.values)]).toEqual([
      "1-1:1.10.0",
      2976,
      "680.282",
    ]);
    const { findings } = checkMsconsIntervals(s.values, { stepMinutes: 15, timeZone: "Europe/Berlin" });
    const lengths = findings.flatMap((f) => (f.kind === "length" ? [f.minutes] : []));
    const tally = Object.fromEntries(
      [...new Set(lengths)].sort((a, b) => a - b).map((m) => [m, lengths.filter((x) => x === m).length]),
    );
    // SOURCE.md: 31 × 16 min, 31 × 14 min, 3 × 25 min, 3 × 5 min, 1 × 75 min, 1 × −45 min (the rest 15 min)
    expect(tally).toEqual({ "-45": 1, 5: 3, 14: 31, 16: 31, 25: 3, 75: 1 });
    // the −45 min interval (16:45 → 16:00 local on 20 Dec) runs backwards, so 16:00–16:45 is reported twice
    expect(findings.filter((f) => f.kind !== "length")).toEqual(
      ["15:00", "15:15", "15:30"].map((t, i) => ({
        kind: "overlap",
        segmentNumber: 5679 + 3 * i,
        fromMs: Date.parse(`2015-12-20T${t}:00Z`),
        toMs: Date.parse(`2015-12-20T${t}:00Z`) + 900_000,
      })),
    );
  });

  it("derrickoswald 2014 (UNA, D.99A): the id in LOC's 4th component, intervals implied by DTM+672, 96 values summing to 1479.2 kWh", () => {
    const ic = parseMscons(
      read("derrickoswald/MSCONS_LG_12X-0000000858-F_12XBKW-HANDEL--X_20140304_1406300423489.txt"),
    );
    expect(ic.warnings).toEqual([]);
    const loc = ic.messages[0]!.locations[0]!;
    expect(loc.meteringPointId).toBe("CH1022201234500000000000000022079");
    const s = loc.series[0]!;
    expect([s.productCode, s.values.length, sumMsconsQuantities(s.values)]).toEqual([
      "1-1:1.29.0*255",
      96,
      "1479.2",
    ]);
    expect(s.values.filter((v) => v.qualifier === "79").map((v) => iso(v.startMs))).toEqual([
      "2013-03-24T03:00:00.000Z", // 04:00 +01
      "2013-03-24T03:15:00.000Z",
    ]);
    expect(iso(s.values[95]!.endMs)).toBe("2013-03-24T23:00:00.000Z");
    expect(checkMsconsIntervals(s.values, { stepMinutes: 15, timeZone: "Europe/Zurich" }).findings).toEqual(
      [],
    );
  });

  const files2019 = readdirSync(new URL("derrickoswald/", DIR))
    .filter((f) => f.startsWith("20191215"))
    .sort();
  const SUMS: Record<string, [string, string]> = {
    "14572840": ["1-1:1.29.0*255", "3719.25"],
    "14572841": ["1-1:2.29.0*255", "7.05"],
    "14572842": ["1-1:5.29.0*255", "1407.3"],
    "14572843": ["1-1:6.29.0*255", "17.1"],
    "14572844": ["1-1:7.29.0*255", "0"],
    "14572845": ["1-1:8.29.0*255", "0"],
  };

  it("derrickoswald 2019: six files whose UNT count is wrong are refused, naming UNT and its position", () => {
    expect(files2019).toHaveLength(6);
    expect(errorOf(() => parseMscons(read(`derrickoswald/${files2019[0]}`)))).toBe(
      "segment 303 UNT at character 7396: declares 109 segments, the message has 302",
    );
    for (const f of files2019) {
      expect(errorOf(() => parseMscons(read(`derrickoswald/${f}`)))).toMatch(
        /^segment 303 UNT at character \d+: declares 109 segments, the message has 302$/,
      );
    }
  });

  it("derrickoswald 2019: read leniently, the sums per OBIS code match and a day of 96 quarter hours is complete", () => {
    for (const f of files2019) {
      const ic = parseMscons(read(`derrickoswald/${f}`), { strictCounts: false });
      expect(ic.warnings).toHaveLength(1);
      const loc = ic.messages[0]!.locations[0]!;
      expect(loc.meteringPointId).toBe("CH1008801234500000000000000113813");
      const s = loc.series[0]!;
      const key = /ESLEVU(\d+)_/.exec(f)![1]!;
      expect([s.productCode, sumMsconsQuantities(s.values)]).toEqual(SUMS[key]);
      // no unit in the QTYs: the OBIS code gives it (active energy kWh, reactive quadrants kvarh)
      expect(msconsSeriesUnit(s)).toBe(
        SUMS[key]![0].includes(":1.") || SUMS[key]![0].includes(":2.") ? "kWh" : "kvarh",
      );
      expect(s.values).toHaveLength(96);
      expect(checkMsconsIntervals(s.values, { stepMinutes: 15, timeZone: "Europe/Zurich" }).findings).toEqual(
        [],
      );
    }
  });
});

describe("MSCONS checks", () => {
  const msg = (body: string, unt = "7", unz = "1") =>
    `UNB+UNOC:3+S:500+R:500+250101:0000+REF1++TL'UNH+1+MSCONS:D:04B:UN:2.2e'BGM+7+D1+9'LOC+172+MP1'LIN+1'PIA+5+1-1?:1.29.0:SRW'${body}UNT+${unt}+1'UNZ+${unz}+REF1'`;
  const ok = "QTY+220:1.5'DTM+163:202501010000?+01:303'DTM+164:202501010015?+01:303'";

  it("accepts a well-formed message", () => {
    const ic = parseMscons(msg(ok, "9"));
    expect(ic.messages[0]!.locations[0]!.series[0]!.values).toEqual([
      {
        qualifier: "220",
        quantity: "1.5",
        unit: null,
        startMs: Date.parse("2024-12-31T23:00:00Z"),
        endMs: Date.parse("2024-12-31T23:15:00Z"),
        segmentNumber: 7,
        position: 123,
      },
    ]);
  });

  it("refuses QTYs whose units disagree, naming the QTY", () => {
    const two =
      "QTY+220:1:KWH'DTM+163:202501010000?+01:303'DTM+164:202501010015?+01:303'" +
      "QTY+220:1:MWH'DTM+163:202501010015?+01:303'DTM+164:202501010030?+01:303'";
    const series = parseMscons(msg(two, "12")).messages[0]!.locations[0]!.series[0]!;
    expect(errorOf(() => msconsSeriesUnit(series))).toBe(
      'segment 10 QTY at character 195: unit "MWH" differs from the series\' "KWH"',
    );
  });

  it.each([
    [msg(ok, "8"), "segment 10 UNT at character 193: declares 8 segments, the message has 9"],
    [msg(ok, "9", "2"), "segment 11 UNZ at character 201: declares 2 messages, the interchange has 1"],
    [
      msg("QTY+220:1,5'DTM+163:202501010000?+01:303'DTM+164:202501010015?+01:303'", "9"),
      'segment 7 QTY at character 123: quantity "1,5" is not a decimal with mark "."',
    ],
    [
      msg("QTY+220:1'", "7"),
      "segment 7 QTY at character 123: QTY has no DTM+163/164 and its location gives no DTM+163 start with a DTM+672 interval length",
    ],
    [
      msg("QTY+220:1'DTM+163:202501010000:203'", "8"),
      'segment 8 DTM at character 133: date format "203" is not 303 or 304 (a time with its UTC offset)',
    ],
    [
      msg("QTY+220:1'DTM+163:202502300000?+01:303'DTM+164:202501010015?+01:303'", "9"),
      'segment 8 DTM at character 133: "202502300000+01" is not a real date and time',
    ],
    ["UNH+1+MSCONS'UNT+2+1'UNZ+1+X'", "segment 1 UNH at character 1: an interchange starts with UNB"],
    [
      "UNB+UNOC:3+S:500+R:500+250101:0000+REF1++TL'UNH+1+MSCONS:D:04B:UN:2.2e'BGM+7'UNZ+1+REF1'",
      "segment 2 UNH at character 45: message has no UNT trailer",
    ],
    [
      "UNB+UNOC:3+S:500+R:500+250101:0000+REF1++TL'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+REF1'",
      'segment 2 UNH at character 45: message type "ORDERS:D:96A:UN" is not MSCONS',
    ],
  ])("refuses a bad interchange naming the segment (%#)", (text, message) => {
    expect(errorOf(() => parseMscons(text))).toBe(message);
  });
});
