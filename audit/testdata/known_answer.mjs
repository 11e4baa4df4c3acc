// Computes the known-answer vector of the audit chain in known_answer.json
// with an implementation independent of the Go package: JSON.parse, a small
// RFC 8785 canonicalizer built on JSON.stringify (whose number and string
// output is the ECMAScript form that RFC 8785 adopts) and the BLAKE3 of
// @noble/hashes.
//
// Node resolves the import next to the script, so copy the script into a
// directory where `npm install @noble/hashes@2.4.0` was run, and run it there:
//
//	node known_answer.mjs > audit/testdata/known_answer.json
import { blake3 } from "@noble/hashes/blake3.js";

// The payload is written by hand with unsorted keys, escapes, a key above
// U+FFFF that sorts before a key in U+E000..U+FFFF in UTF-16 order but after
// it in code point order, and numbers whose canonical text differs from
// their spelling.
const payloadJSON = `{
  "schema_version": "codegenie.eval.bench_run_report/v1",
  "run_id":"4b1f0c2a9e6d7358",
  "isolation_class" : "subprocess",
  "task_class": "vuln-remediation",
  "mean_score": 0.50, "lower_bound_95": 1.5e-7, "n": 1e2, "zero": -0,
  "stderr": null, "complete": true, "ok": false,
  "per_case": [
    {"score": 1, "case_id": "go-2024-0001", "status": "scored",
     "failure_modes": [], "duration_ms": 1234,
     "note": "caf\\u00e9 </script> & \\"quoted\\" \\u001f tab\\t slash\\/"}
  ],
  "keys": {"\\ue000": "private use", "\\ud83d\\ude00": "emoji", "b": 2, "a": 1, "A": 0},
  "large": 9007199254740991, "small": -9007199254740991
}`;

const chainMembers = ["record_number", "prev_hash", "content_hash", "chain_head"];

function canonicalize(value) {
  if (value === null || typeof value !== "object") {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return "[" + value.map(canonicalize).join(",") + "]";
  }
  // Array.prototype.sort compares strings by UTF-16 code units.
  const keys = Object.keys(value).sort();
  return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonicalize(value[k])).join(",") + "}";
}

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const utf8 = (s) => new TextEncoder().encode(s);

const payload = JSON.parse(payloadJSON);
for (const m of chainMembers) delete payload[m];
const canonical = canonicalize(payload);
const contentHash = hex(blake3(utf8(canonical)));

const recordNumber = 2;
const prevHash = hex(blake3(utf8("codegenie known-answer vector: chain_head of record 1")));

const preimage = new Uint8Array(73);
preimage[0] = 0x02;
new DataView(preimage.buffer).setBigUint64(1, BigInt(recordNumber), false);
preimage.set(Buffer.from(prevHash, "hex"), 9);
preimage.set(Buffer.from(contentHash, "hex"), 41);
const chainHead = hex(blake3(preimage));

// The record file puts the chain members first, in a form Seal never writes,
// to show that their place and spacing do not matter.
const recordJSON = payloadJSON.replace(
  "{",
  `{"record_number": ${recordNumber}, "prev_hash": "${prevHash}",\n  "content_hash": "${contentHash}", "chain_head": "${chainHead}",`,
);

process.stdout.write(
  JSON.stringify(
    {
      description:
        "Known-answer vector for the audit chain: canonical is the RFC 8785 form of record_json without its chain members, content_hash = BLAKE3-256(canonical), chain_head = BLAKE3-256(chain_head_preimage_hex). Computed by known_answer.mjs.",
      payload_json: payloadJSON,
      record_json: recordJSON,
      canonical: canonical,
      canonical_hex: hex(utf8(canonical)),
      content_hash: contentHash,
      record_number: recordNumber,
      prev_hash: prevHash,
      chain_head_preimage_hex: hex(preimage),
      chain_head: chainHead,
    },
    null,
    2,
  ) + "\n",
);
