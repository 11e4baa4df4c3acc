package audit

import (
	"encoding/hex"
	"fmt"

	"github.com/zeebo/blake3"
)

// GenesisPrevHash is the prev_hash of record 1: 64 zeros.
const GenesisPrevHash = "0000000000000000000000000000000000000000000000000000000000000000"

// chainHeadPrefix starts the preimage of every chain_head. It keeps chain heads
// apart from the Merkle leaf (0x00) and node (0x01) hashes of a later layer.
const chainHeadPrefix = 0x02

// Canonical returns the RFC 8785 (JCS) bytes of a record object without its
// chain members record_number, prev_hash, content_hash and chain_head: the
// bytes that ContentHash hashes. Every other member is kept, known or not.
// recordJSON must follow the strict rules described at parseRecord, or
// Canonical returns an error wrapping a *JSONError.
func Canonical(recordJSON []byte) ([]byte, error) {
	pr, err := parseRecord(recordJSON)
	if err != nil {
		return nil, fmt.Errorf("canonicalize record: %w", err)
	}
	return pr.canonical, nil
}

// ContentHash returns the content_hash of a record: the lowercase hex
// BLAKE3-256 of its Canonical bytes. The chain members, if present, are ignored.
func ContentHash(recordJSON []byte) (string, error) {
	pr, err := parseRecord(recordJSON)
	if err != nil {
		return "", fmt.Errorf("compute content hash: %w", err)
	}
	return hashHex(blake3.Sum256(pr.canonical)), nil
}

// ChainHead returns the chain_head of a record: the lowercase hex BLAKE3-256
// of the 73 bytes 0x02 || u64be(recordNumber) || raw(prevHash) || raw(contentHash),
// where raw is the 32 bytes behind the hex. recordNumber must be in
// [1, 2^53−1] and both hashes 64 lowercase hex digits.
func ChainHead(recordNumber int64, prevHash, contentHash string) (string, error) {
	if recordNumber < 1 || recordNumber > maxSafeInteger {
		return "", fmt.Errorf("compute chain head: record number %d is outside [1, 2^53−1]", recordNumber)
	}
	prev, err := parseHash(prevHash)
	if err != nil {
		return "", fmt.Errorf("compute chain head: prev_hash: %w", err)
	}
	content, err := parseHash(contentHash)
	if err != nil {
		return "", fmt.Errorf("compute chain head: content_hash: %w", err)
	}
	return hashHex(chainHead(recordNumber, prev, content)), nil
}

func chainHead(recordNumber int64, prev, content [32]byte) [32]byte {
	var preimage [73]byte
	preimage[0] = chainHeadPrefix
	n := uint64(recordNumber)
	for i := range 8 {
		preimage[8-i] = byte(n >> (8 * i))
	}
	copy(preimage[9:41], prev[:])
	copy(preimage[41:73], content[:])
	return blake3.Sum256(preimage[:])
}

func hashHex(sum [32]byte) string {
	return hex.EncodeToString(sum[:])
}

// parseHash decodes a hash written as 64 lowercase hex digits. Uppercase is
// rejected so that each hash has exactly one spelling.
func parseHash(s string) ([32]byte, error) {
	var sum [32]byte
	if !isHash(s) {
		return sum, fmt.Errorf("%s is not 64 lowercase hex digits", quoteKey([]byte(s)))
	}
	if _, err := hex.Decode(sum[:], []byte(s)); err != nil {
		panic("audit: hex digits checked by isHash failed to decode: " + err.Error())
	}
	return sum, nil
}

// isHash reports whether s is 64 lowercase hex digits.
func isHash(s string) bool {
	return isHashBytes([]byte(s))
}

func isHashBytes(b []byte) bool {
	if len(b) != 64 {
		return false
	}
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
