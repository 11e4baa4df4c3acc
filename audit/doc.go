// Package audit seals run reports into a BLAKE3 hash chain of record files and
// verifies the chain offline.
//
// Each record is one file, runs/NNNNNNNN.json in the state directory, that
// holds the sealed report: the report's members and four chain members at the
// top level.
//
//   - content_hash is the lowercase hex BLAKE3-256 of the RFC 8785 (JCS)
//     canonical bytes of the record object without record_number, prev_hash,
//     content_hash and chain_head. Every other member is hashed, known or not.
//   - chain_head is the lowercase hex BLAKE3-256 of the 73 bytes
//     0x02 || u64be(record_number) || raw(prev_hash) || raw(content_hash).
//   - prev_hash is 64 zeros for record 1 and the chain_head of record k−1 for
//     record k. Numbering starts at 1 and has no gaps.
//
// Seal appends a record under an exclusive lock, and a crash leaves either no
// record or a whole one. Verify checks every file and link and reports every
// problem with the file and the expected and found values. Records lists the
// chain without its payloads. The package takes and returns bytes and hashes
// and imports no other package of this module.
//
// Records follow strict JSON rules, when sealed and when verified: one object
// of valid UTF-8, no duplicate key at any depth, every number within
// ±(2^53−1), nesting at most MaxDepth deep, at most MaxRecordSize bytes. See
// Canonical.
//
// # What a chain proves
//
// A chain that verifies proves that none of its records was changed, removed,
// inserted or reordered, unless everything from that record to the newest was
// rewritten with it. It cannot prove two things on its own:
//
//   - that the newest records were not deleted: records 1 to k of a longer
//     chain are a valid chain of k records;
//   - that the chain was not rewritten by someone who can write the files:
//     no secret goes into the hashes, so anyone can recompute them.
//
// Both need a chain head or length kept outside the files, such as in a CI
// artifact, a commit message or a pull request. VerifyOptions.ExpectHead and
// VerifyOptions.ExpectLength compare the chain with it.
package audit
