package dev.streamops.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the results table: a StreamOps figure, the direct client's figure measured in the
 * same run (when there is one), their ratio, the target and the verdict, and the old
 * StreamK3s companion's figure quoted from the contract file (never measured here).
 */
record Row(String part, String metric, String unit, double streamops, double direct, Target target,
           String companionQuoted, String note) {

    enum Verdict { PASS, MISS, INFO }

    static Row of(String part, String metric, String unit, double streamops, double direct, Target target) {
        return new Row(part, metric, unit, streamops, direct, target, "", "");
    }

    Row withCompanion(String quoted) {
        return new Row(part, metric, unit, streamops, direct, target, quoted, note);
    }

    Row withNote(String text) {
        return new Row(part, metric, unit, streamops, direct, target, companionQuoted, text);
    }

    double ratio() {
        return Rates.ratio(streamops, direct);
    }

    /** Ratio targets judge the ratio; absolute targets judge the StreamOps figure. A missing figure is a miss. */
    Verdict verdict() {
        if (target == null) return Verdict.INFO;
        double judged = target instanceof Target.AtLeastRatio ? ratio() : streamops;
        if (Double.isNaN(judged)) return Verdict.MISS;
        return target.isMetBy(judged) ? Verdict.PASS : Verdict.MISS;
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("part", part);
        json.put("metric", metric);
        json.put("unit", unit);
        json.put("streamops", streamops);
        json.put("direct", Double.isNaN(direct) ? null : direct);
        json.put("ratio", Double.isNaN(ratio()) ? null : ratio());
        json.put("target", target == null ? null : target.describe());
        json.put("verdict", verdict().name());
        json.put("oldCompanionQuotedFromContract", companionQuoted.isEmpty() ? null : companionQuoted);
        if (!note.isEmpty()) json.put("note", note);
        return json;
    }
}
