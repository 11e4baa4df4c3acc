package audit

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/zeebo/blake3"
)

// Sealed describes one record that Seal wrote.
type Sealed struct {
	RecordNumber int64
	PrevHash     string
	ContentHash  string
	ChainHead    string
	// Path is the absolute path of the record file.
	Path string
	// Bytes are the exact bytes of the record file.
	Bytes []byte
}

// Lock polling bounds: flock(2) cannot wait for a context, so Seal polls with
// a delay that doubles from the first value up to the second.
const (
	lockPollMin = time.Millisecond
	lockPollMax = 32 * time.Millisecond
)

// Seal appends payload to the chain in stateDir (the ".codegenie/eval"
// directory) as record stateDir/runs/NNNNNNNN.json, numbered after the newest
// record, and returns what it wrote.
//
// payload is a JSON object that follows the strict rules of every record (see
// Canonical), has the string members schema_version, run_id and
// isolation_class, and has none of the chain members record_number,
// prev_hash, content_hash and chain_head. Otherwise Seal returns an error
// wrapping ErrInvalidPayload and touches nothing.
//
// Seal creates stateDir and runs/ when missing and holds an exclusive lock on
// stateDir/.lock while it works, waiting for other sealers until ctx is done.
// It removes the temporary files of an interrupted seal, then checks the
// newest record and its link to the one before. When they do not verify it
// returns a *ChainError and writes nothing, so no record is built on a broken
// chain. The record is written to a temporary file, synced, linked to its
// final name (which never replaces an existing file) and the directory is
// synced: a crash leaves either no record or a whole one.
//
// If only the final directory sync fails, Seal returns the Sealed record along
// with the error: the record exists but may not survive a power loss.
func Seal(ctx context.Context, stateDir string, payload []byte) (Sealed, error) {
	prepared, err := preparePayload(payload)
	if err != nil {
		return Sealed{}, fmt.Errorf("seal record: %w", err)
	}

	runsDir := filepath.Join(stateDir, "runs")
	if err := makeStateDirs(stateDir, runsDir); err != nil {
		return Sealed{}, fmt.Errorf("seal record: %w", err)
	}

	lock := flock.New(filepath.Join(stateDir, ".lock"))
	if err := lockContext(ctx, lock); err != nil {
		return Sealed{}, fmt.Errorf("seal record: lock %s: %w", lock.Path(), err)
	}
	defer lock.Unlock()

	entries, err := os.ReadDir(runsDir)
	if err != nil {
		return Sealed{}, fmt.Errorf("seal record: %w", err)
	}
	if err := removeInterruptedSeals(runsDir, entries); err != nil {
		return Sealed{}, fmt.Errorf("seal record: %w", err)
	}
	tail, err := readTail(runsDir, entries)
	if err != nil {
		return Sealed{}, err
	}
	if err := ctx.Err(); err != nil {
		return Sealed{}, fmt.Errorf("seal record: %w", err)
	}

	sealed, err := buildRecord(prepared, tail.number+1, tail.chainHead)
	if err != nil {
		return Sealed{}, fmt.Errorf("seal record %d: %w", tail.number+1, err)
	}
	path := filepath.Join(runsDir, recordFileName(sealed.RecordNumber))
	if sealed.Path, err = filepath.Abs(path); err != nil {
		return Sealed{}, fmt.Errorf("seal record %d: %w", sealed.RecordNumber, err)
	}
	if err := createRecordFile(runsDir, path, sealed.Bytes); err != nil {
		if errors.Is(err, errDirectorySync) {
			return sealed, fmt.Errorf("seal record %d: %w", sealed.RecordNumber, err)
		}
		return Sealed{}, fmt.Errorf("seal record %d: %w", sealed.RecordNumber, err)
	}
	return sealed, nil
}

// preparedPayload is a payload that passed the checks, with its content hash.
type preparedPayload struct {
	bytes       []byte
	canonical   []byte
	contentHash string
}

func preparePayload(payload []byte) (preparedPayload, error) {
	pr, err := parseRecord(payload)
	if err != nil {
		return preparedPayload{}, fmt.Errorf("%w: %w", ErrInvalidPayload, err)
	}
	for i := range chainMemberCount {
		if pr.members[i] != nil {
			return preparedPayload{}, fmt.Errorf("%w: it contains the chain member %q, which only Seal sets (remove record_number, prev_hash, content_hash and chain_head from the report)", ErrInvalidPayload, memberNames[i])
		}
	}
	for _, i := range []int{memberSchemaVersion, memberRunID, memberIsolationClass} {
		if _, err := pr.stringMember(i); err != nil {
			return preparedPayload{}, fmt.Errorf("%w: %w", ErrInvalidPayload, err)
		}
	}
	return preparedPayload{
		bytes:       payload,
		canonical:   pr.canonical,
		contentHash: hashHex(blake3.Sum256(pr.canonical)),
	}, nil
}

func makeStateDirs(stateDir, runsDir string) error {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return err
	}
	err := os.Mkdir(runsDir, 0o755)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	// The new runs/ entry must be durable before any record inside it is.
	return syncDir(stateDir)
}

// lockContext takes the exclusive lock, polling until ctx is done.
func lockContext(ctx context.Context, lock *flock.Flock) error {
	delay := lockPollMin
	for {
		locked, err := lock.TryLock()
		if err != nil {
			return err
		}
		if locked {
			return nil
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
		delay = min(2*delay, lockPollMax)
	}
}

// removeInterruptedSeals removes the temporary files of seals that crashed
// from runsDir, whose entries are given. The caller holds the lock, so no live
// seal owns one of them.
func removeInterruptedSeals(runsDir string, entries []os.DirEntry) error {
	for _, entry := range entries {
		name := entry.Name()
		if !entry.Type().IsRegular() || !strings.HasPrefix(name, sealTempPrefix) || !strings.HasSuffix(name, sealTempSuffix) {
			continue
		}
		if err := os.Remove(filepath.Join(runsDir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove file of an interrupted seal: %w", err)
		}
	}
	return nil
}

// chainTail is the newest record: its number and chain_head, or 0 and
// GenesisPrevHash for an empty chain.
type chainTail struct {
	number    int64
	chainHead string
}

// readTail finds the file with the highest record number among the entries
// of runsDir and checks it as Verify would, together with its link to the
// record before it. It returns a *ChainError when they do not verify.
func readTail(runsDir string, entries []os.DirEntry) (chainTail, error) {
	var newest *recordFile
	for _, entry := range entries {
		n, ok := parseRecordFileName(entry.Name())
		if !ok || !entry.Type().IsRegular() || (newest != nil && n <= newest.nameNumber) {
			continue
		}
		newest = &recordFile{name: entry.Name(), path: filepath.Join(runsDir, entry.Name()), nameNumber: n}
	}
	if newest == nil {
		return chainTail{number: 0, chainHead: GenesisPrevHash}, nil
	}

	var p parser
	checkFile(newest, nil, &p)
	problems := newest.problems
	if len(problems) == 0 {
		problems = checkTailLink(runsDir, newest)
	}
	if len(problems) > 0 {
		return chainTail{}, &ChainError{Path: newest.path, Problems: problems}
	}
	return chainTail{number: newest.number, chainHead: hashHex(newest.chainHead)}, nil
}

// checkTailLink checks that the prev_hash of the newest record, which itself
// verified, is the chain_head of the record before it.
func checkTailLink(runsDir string, newest *recordFile) []Problem {
	if newest.number == 1 {
		if p, ok := checkLink(1, newest, nil, 0); !ok {
			return []Problem{p}
		}
		return nil
	}

	previous := recordFile{
		name:       recordFileName(newest.number - 1),
		path:       filepath.Join(runsDir, recordFileName(newest.number-1)),
		nameNumber: newest.number - 1,
	}
	if _, err := os.Lstat(previous.path); errors.Is(err, fs.ErrNotExist) {
		return []Problem{gapProblem(runsDir, previous.nameNumber, previous.nameNumber)}
	}
	var p parser
	checkFile(&previous, nil, &p)
	if len(previous.problems) > 0 {
		return previous.problems
	}
	if p, ok := checkLink(newest.number, newest, &previous, previous.number); !ok {
		return []Problem{p}
	}
	return nil
}

// buildRecord returns the record file for a payload: its members and the four
// chain members, with sorted keys, two-space indentation and a final newline.
func buildRecord(p preparedPayload, number int64, prevHash string) (Sealed, error) {
	head, err := ChainHead(number, prevHash, p.contentHash)
	if err != nil {
		return Sealed{}, err
	}

	data, err := formatRecord(p.bytes, map[string]any{
		memberNames[memberRecordNumber]: json.Number(strconv.FormatInt(number, 10)),
		memberNames[memberPrevHash]:     prevHash,
		memberNames[memberContentHash]:  p.contentHash,
		memberNames[memberChainHead]:    head,
	})
	if err != nil {
		return Sealed{}, err
	}

	// Check the bytes as Verify will read them, so that a difference between
	// encoding/json and the canonical form can never produce a broken record.
	check, err := parseRecord(data)
	if err != nil {
		return Sealed{}, fmt.Errorf("check encoded record: %w", err)
	}
	if !bytes.Equal(check.canonical, p.canonical) {
		return Sealed{}, errors.New("check encoded record: its canonical bytes differ from the payload's")
	}

	return Sealed{
		RecordNumber: number,
		PrevHash:     prevHash,
		ContentHash:  p.contentHash,
		ChainHead:    head,
		Bytes:        data,
	}, nil
}

// formatRecord returns the members of the JSON object payload together with
// the extra members, with sorted keys, two-space indentation, no HTML escaping
// and a final newline. payload must have passed parseRecord, so that no
// duplicate key or invalid string can be lost in decoding.
func formatRecord(payload []byte, extra map[string]any) ([]byte, error) {
	// UseNumber keeps the text of every number.
	var members map[string]any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&members); err != nil {
		return nil, fmt.Errorf("decode payload: %w", err)
	}
	for name, value := range extra {
		members[name] = value
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(members); err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	return buf.Bytes(), nil
}

// errDirectorySync marks a failed sync of runs/ after the record was linked.
var errDirectorySync = errors.New("sync runs directory")

// createRecordFile writes data to a temporary file in runsDir, syncs it and
// links it to path, which fails if path exists. It then removes the temporary
// name and syncs runsDir.
func createRecordFile(runsDir, path string, data []byte) (err error) {
	tmp, tmpPath, err := createTemp(runsDir)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil && !errors.Is(err, errDirectorySync) {
			tmp.Close()
			os.Remove(tmpPath)
		}
	}()

	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmpPath, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", tmpPath, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmpPath, err)
	}
	if err := os.Link(tmpPath, path); err != nil {
		return fmt.Errorf("create record file: %w", err)
	}

	// The record is complete from here on. A temporary name that cannot be
	// removed is a leftover that the next seal removes.
	_ = os.Remove(tmpPath)
	if err := syncDir(runsDir); err != nil {
		return fmt.Errorf("%w: %w", errDirectorySync, err)
	}
	return nil
}

// createTemp creates a new temporary file in dir named .seal-<random>.tmp.
// The mode 0644 is reduced by the umask, as for any new file.
func createTemp(dir string) (*os.File, string, error) {
	var random [8]byte
	for range 10 {
		rand.Read(random[:])
		path := filepath.Join(dir, sealTempPrefix+hex.EncodeToString(random[:])+sealTempSuffix)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("create temporary record file: %w", err)
		}
		return f, path, nil
	}
	return nil, "", fmt.Errorf("create temporary record file in %s: 10 random names were taken", dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}
