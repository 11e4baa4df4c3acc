package audit

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/zeebo/blake3"
)

// VerifyResultSchemaVersion is the schema_version of Result.
const VerifyResultSchemaVersion = "codegenie.eval.verify_result/v1"

// Problem kinds, stable identifiers for machine readers of Result.
const (
	// KindContentHashMismatch: content_hash is not the hash of the record's content.
	KindContentHashMismatch = "content_hash_mismatch"
	// KindChainHeadMismatch: chain_head is not the hash of record_number, prev_hash and content_hash.
	KindChainHeadMismatch = "chain_head_mismatch"
	// KindPrevHashMismatch: prev_hash is not the chain_head of the previous record (zeros for record 1).
	KindPrevHashMismatch = "prev_hash_mismatch"
	// KindGap: no file has a record number between 1 and the highest one.
	KindGap = "gap"
	// KindDuplicateRecordNumber: two files have the same record_number.
	KindDuplicateRecordNumber = "duplicate_record_number"
	// KindFileNameMismatch: the file name is not the one of its record_number.
	KindFileNameMismatch = "file_name_mismatch"
	// KindInvalidJSON: the file breaks the strict JSON rules of a record.
	KindInvalidJSON = "invalid_json"
	// KindInvalidChainMember: a chain member is missing or has the wrong form.
	KindInvalidChainMember = "invalid_chain_member"
	// KindFileTooLarge: the file is larger than MaxRecordSize.
	KindFileTooLarge = "file_too_large"
	// KindUnreadableFile: the file could not be opened or read.
	KindUnreadableFile = "unreadable_file"
	// KindForeignFile: a file or directory in runs/ that is not a record.
	KindForeignFile = "foreign_file"
	// KindInterruptedSeal: a temporary file of a Seal that crashed or is still
	// running. It does not make a chain fail, and the next Seal removes a leftover.
	KindInterruptedSeal = "interrupted_seal"
	// KindHeadMismatch: the chain head is not VerifyOptions.ExpectHead.
	KindHeadMismatch = "head_mismatch"
	// KindLengthMismatch: the chain length is not VerifyOptions.ExpectLength.
	KindLengthMismatch = "length_mismatch"
)

// VerifyOptions are the facts about the chain kept outside it, which let Verify
// detect what the chain alone cannot show: deleted newest records, and a
// rewrite of the whole chain.
type VerifyOptions struct {
	// ExpectHead is the chain_head that the newest record must have, as 64
	// lowercase hex digits. Empty means unset.
	ExpectHead string
	// ExpectLength is the number of records the chain must have. 0 means unset.
	ExpectLength int64
}

// Result is the outcome of Verify, printed by `verify --json`. A sample:
//
//	{"head":"9f2c…","length":3,"ok":false,"problems":[{"expected":"41d7…",
//	 "found":"0b3e…","kind":"content_hash_mismatch","message":"…",
//	 "path":".codegenie/eval/runs/00000002.json"}],
//	 "schema_version":"codegenie.eval.verify_result/v1"}
//
// Readers ignore members they do not know. Adding, removing, renaming or
// retyping a member, or a kind, is a shape change; an incompatible one raises
// the /v1 of VerifyResultSchemaVersion. Fields are in the order of their JSON
// names so that the encoding has sorted keys.
type Result struct {
	// Head is the chain_head of the record with the highest record number. It
	// is empty when there is no record, or when that record cannot be parsed or
	// its chain_head is malformed.
	Head string `json:"head"`
	// Length is the highest record number found: the number of records when
	// the chain is OK.
	Length int64 `json:"length"`
	// OK reports whether the chain verified: it is true when Problems holds
	// nothing but problems of kind KindInterruptedSeal.
	OK bool `json:"ok"`
	// Problems lists every problem found, sorted by path, with the chain-wide
	// kinds KindHeadMismatch and KindLengthMismatch last. Never nil.
	Problems []Problem `json:"problems"`
	// SchemaVersion is VerifyResultSchemaVersion.
	SchemaVersion string `json:"schema_version"`
}

// Problem is one finding of Verify.
type Problem struct {
	// Expected is the value the chain requires, for example the hash computed
	// from the record's content.
	Expected string `json:"expected"`
	// Found is the value in the file, or what was found instead.
	Found string `json:"found"`
	// Kind is one of the Kind constants.
	Kind string `json:"kind"`
	// Message describes the problem in a sentence.
	Message string `json:"message"`
	// Path is the file concerned: runsDir joined with a file name. For a gap it
	// is the first missing file, and for the chain-wide kinds it is runsDir.
	Path string `json:"path"`
}

// String formats the problem on one line for text output.
func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s", p.Path, p.Kind, p.Message)
	if p.Expected != "" || p.Found != "" {
		fmt.Fprintf(&b, " (expected %s, found %s)", orNone(p.Expected), orNone(p.Found))
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// sealTempPrefix and sealTempSuffix frame the names of Seal's temporary files.
const (
	sealTempPrefix = ".seal-"
	sealTempSuffix = ".tmp"
)

// Verify checks the chain of records in runsDir and returns every problem it
// finds. For each file it checks that the name matches record_number, that the
// JSON follows the strict rules, that content_hash and chain_head recompute
// and that prev_hash is the chain_head of the previous record (zeros for
// record 1). Over the directory it checks that numbering starts at 1 without
// gap or duplicate and that nothing but records sits there.
//
// Verify opens files read-only and never writes, so it can run while Seal
// appends. It returns an error only when opts is invalid or runsDir cannot be
// read, and the error wraps fs.ErrNotExist when runsDir does not exist. Files
// are checked in parallel, up to GOMAXPROCS at a time.
//
// NOTE: a chain that verifies proves only that its records are linked. Without
// opts, it cannot show that the newest records were deleted, nor that someone
// who can write the files rewrote the whole chain.
func Verify(runsDir string, opts VerifyOptions) (*Result, error) {
	if opts.ExpectHead != "" && !isHash(opts.ExpectHead) {
		return nil, fmt.Errorf("verify chain: expected head %s is not 64 lowercase hex digits", quoteKey([]byte(opts.ExpectHead)))
	}
	if opts.ExpectLength < 0 {
		return nil, fmt.Errorf("verify chain: expected length %d is negative", opts.ExpectLength)
	}
	entries, err := os.ReadDir(runsDir)
	if err != nil {
		return nil, fmt.Errorf("verify chain: %w", err)
	}

	var problems []Problem
	var files []recordFile
	for _, entry := range entries {
		path := filepath.Join(runsDir, entry.Name())
		if p, ok := classifyEntry(path, entry); !ok {
			problems = append(problems, p)
			continue
		}
		number, _ := parseRecordFileName(entry.Name())
		files = append(files, recordFile{name: entry.Name(), path: path, nameNumber: number})
	}

	checkFiles(files)
	for i := range files {
		problems = append(problems, files[i].problems...)
	}
	chain := linkRecords(runsDir, files)
	problems = append(problems, chain.problems...)
	slices.SortStableFunc(problems, func(a, b Problem) int { return cmp.Compare(a.Path, b.Path) })

	res := &Result{
		SchemaVersion: VerifyResultSchemaVersion,
		Head:          chain.head,
		Length:        chain.length,
		Problems:      problems,
	}
	res.Problems = append(res.Problems, checkExpectations(runsDir, opts, chain, files)...)
	if res.Problems == nil {
		res.Problems = []Problem{}
	}
	res.OK = !slices.ContainsFunc(res.Problems, func(p Problem) bool { return p.Kind != KindInterruptedSeal })
	return res, nil
}

// classifyEntry reports whether a directory entry is to be checked as a
// record, and otherwise returns the problem it is.
func classifyEntry(path string, entry os.DirEntry) (Problem, bool) {
	name := entry.Name()
	switch {
	case strings.HasPrefix(name, sealTempPrefix) && strings.HasSuffix(name, sealTempSuffix) && entry.Type().IsRegular():
		return Problem{
			Kind:    KindInterruptedSeal,
			Path:    path,
			Found:   name,
			Message: "temporary file of a seal that crashed or is still running: the records are not affected, and the next seal removes a leftover",
		}, false
	case !entry.Type().IsRegular():
		return Problem{
			Kind:     KindForeignFile,
			Path:     path,
			Expected: "only regular record files",
			Found:    fmt.Sprintf("%s (%s)", name, fileTypeName(entry.Type())),
			Message:  "runs directory contains an entry that is not a regular file",
		}, false
	}
	if _, ok := parseRecordFileName(name); !ok {
		return Problem{
			Kind:     KindForeignFile,
			Path:     path,
			Expected: "only record files named like 00000001.json",
			Found:    name,
			Message:  "runs directory contains a file that is not a record",
		}, false
	}
	return Problem{}, true
}

func fileTypeName(mode os.FileMode) string {
	switch {
	case mode.IsDir():
		return "directory"
	case mode&os.ModeSymlink != 0:
		return "symbolic link"
	default:
		return "special file"
	}
}

// recordFile is a file named like a record and what checking it found.
type recordFile struct {
	name       string
	path       string
	nameNumber int64 // the number in the file name

	// parsed reports whether the file passed the strict JSON rules.
	parsed bool
	// number is record_number, or 0 when it is missing or malformed.
	number int64
	// prevHash and chainHead are the stored values, valid when the flags are set.
	prevHash, chainHead     [32]byte
	prevHashOK, chainHeadOK bool
	problems                []Problem
}

// checkFiles checks each file on its own, in parallel.
func checkFiles(files []recordFile) {
	workers := min(runtime.GOMAXPROCS(0), len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var buf []byte
			var p parser
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				buf = checkFile(&files[i], buf, &p)
			}
		})
	}
	wg.Wait()
}

// checkFile reads and checks one record file on its own. buf is a scratch
// buffer, returned for reuse.
func checkFile(f *recordFile, buf []byte, p *parser) []byte {
	data, err := readRecordFile(f.path, buf)
	if err != nil {
		kind, expected := KindUnreadableFile, "a readable file"
		if errors.Is(err, errFileTooLarge) {
			kind, expected = KindFileTooLarge, fmt.Sprintf("at most %d bytes", MaxRecordSize)
		}
		f.problems = append(f.problems, Problem{
			Kind: kind, Path: f.path, Expected: expected, Found: err.Error(),
			Message: "record file cannot be read",
		})
		return data
	}
	pr, err := p.parse(data)
	if err != nil {
		f.problems = append(f.problems, Problem{
			Kind: KindInvalidJSON, Path: f.path, Expected: "a JSON object that follows the strict record rules",
			Found: err.Error(), Message: "record file is not valid record JSON",
		})
		return data
	}
	f.parsed = true
	checkChainMembers(f, &pr)
	return data
}

// checkChainMembers checks the form of the chain members of a parsed record,
// recomputes content_hash and chain_head, and checks the file name. Hashes are
// compared as bytes and formatted only for a problem, which keeps the common
// case free of allocations.
func checkChainMembers(f *recordFile, pr *parsedRecord) {
	invalid := func(i int, expected string, err error) {
		f.problems = append(f.problems, Problem{
			Kind: KindInvalidChainMember, Path: f.path, Expected: expected,
			Found: string(pr.members[i]), Message: err.Error(),
		})
	}

	number, numberErr := pr.recordNumber()
	if numberErr != nil {
		invalid(memberRecordNumber, "a positive integer", numberErr)
	}
	prevHash, prevErr := pr.hashBytes(memberPrevHash)
	if prevErr != nil {
		invalid(memberPrevHash, "64 lowercase hex digits", prevErr)
	}

	computedContent := blake3.Sum256(pr.canonical)
	contentHash, contentErr := pr.hashBytes(memberContentHash)
	switch {
	case contentErr != nil:
		invalid(memberContentHash, hashHex(computedContent)+" (the hash of the content)", contentErr)
	case contentHash != computedContent:
		f.problems = append(f.problems, Problem{
			Kind: KindContentHashMismatch, Path: f.path,
			Expected: hashHex(computedContent), Found: hashHex(contentHash),
			Message: "content_hash is not the hash of the record's content: the content or content_hash changed after sealing",
		})
	}

	head, headErr := pr.hashBytes(memberChainHead)
	if numberErr == nil && prevErr == nil && contentErr == nil {
		computed := chainHead(number, prevHash, contentHash)
		switch {
		case headErr != nil:
			invalid(memberChainHead, hashHex(computed)+" (the hash of the chain members)", headErr)
		case head != computed:
			f.problems = append(f.problems, Problem{
				Kind: KindChainHeadMismatch, Path: f.path, Expected: hashHex(computed), Found: hashHex(head),
				Message: "chain_head is not the hash of record_number, prev_hash and content_hash",
			})
		}
	} else if headErr != nil {
		invalid(memberChainHead, "64 lowercase hex digits", headErr)
	}

	if numberErr == nil && !isRecordFileName(f.name, number) {
		f.problems = append(f.problems, Problem{
			Kind: KindFileNameMismatch, Path: f.path, Expected: recordFileName(number), Found: f.name,
			Message: fmt.Sprintf("file name does not match record_number %d", number),
		})
	}

	f.number = number
	f.prevHash, f.prevHashOK = prevHash, prevErr == nil
	f.chainHead, f.chainHeadOK = head, headErr == nil
}

// chainSummary holds the results of linking the records.
type chainSummary struct {
	problems []Problem
	length   int64
	head     string
}

// linkRecords checks numbering and links across files. A record's place in
// the chain is its record_number. A file whose record_number cannot be read
// takes the place of the number in its name, so that its damage is not
// reported a second time as a gap.
func linkRecords(runsDir string, files []recordFile) chainSummary {
	type place struct {
		number int64
		file   *recordFile
	}
	places := make([]place, 0, len(files))
	for i := range files {
		f := &files[i]
		switch {
		case f.number > 0:
			places = append(places, place{f.number, f})
		case f.nameNumber > 0:
			places = append(places, place{f.nameNumber, f})
		}
	}
	slices.SortFunc(places, func(a, b place) int {
		return cmp.Or(cmp.Compare(a.number, b.number), strings.Compare(a.file.name, b.file.name))
	})

	var summary chainSummary
	var previous *recordFile // the record in the chain at the previous number
	previousNumber := int64(0)
	for start := 0; start < len(places); {
		n := places[start].number
		end := start + 1
		for end < len(places) && places[end].number == n {
			end++
		}
		group := places[start:end]
		start = end

		if n > previousNumber+1 {
			summary.problems = append(summary.problems, gapProblem(runsDir, previousNumber+1, n-1))
		}

		var candidates []*recordFile
		for _, pl := range group {
			if pl.file.number == n {
				candidates = append(candidates, pl.file)
			}
		}
		var chosen *recordFile
		if len(candidates) > 0 {
			chosen = chooseRecord(n, candidates)
		}
		for _, f := range candidates {
			if f != chosen {
				summary.problems = append(summary.problems, Problem{
					Kind: KindDuplicateRecordNumber, Path: f.path,
					Expected: "a record_number that no other file has", Found: fmt.Sprint(n),
					Message: fmt.Sprintf("record_number %d is also in %s", n, chosen.path),
				})
			}
		}

		if chosen != nil && chosen.prevHashOK {
			if p, ok := checkLink(n, chosen, previous, previousNumber); !ok {
				summary.problems = append(summary.problems, p)
			}
		}
		previous, previousNumber = chosen, n
	}

	summary.length = previousNumber
	if previous != nil && previous.chainHeadOK {
		summary.head = hashHex(previous.chainHead)
	}
	return summary
}

// checkLink checks the prev_hash of record n against the chain_head of the
// record at previousNumber. It reports true when they match or when the
// predecessor is missing or damaged, which is reported already.
func checkLink(n int64, f, previous *recordFile, previousNumber int64) (Problem, bool) {
	if n == 1 {
		if hashHex(f.prevHash) == GenesisPrevHash {
			return Problem{}, true
		}
		return Problem{
			Kind: KindPrevHashMismatch, Path: f.path, Expected: GenesisPrevHash, Found: hashHex(f.prevHash),
			Message: "record 1 must have 64 zeros as prev_hash",
		}, false
	}
	if previousNumber != n-1 || previous == nil || !previous.chainHeadOK || f.prevHash == previous.chainHead {
		return Problem{}, true
	}
	return Problem{
		Kind: KindPrevHashMismatch, Path: f.path, Expected: hashHex(previous.chainHead), Found: hashHex(f.prevHash),
		Message: fmt.Sprintf("prev_hash is not the chain_head of record %d in %s", n-1, previous.path),
	}, false
}

// chooseRecord picks, among files with the same record_number, the one that
// takes part in the chain: the one named after the number, else the first.
func chooseRecord(n int64, candidates []*recordFile) *recordFile {
	for _, f := range candidates {
		if isRecordFileName(f.name, n) {
			return f
		}
	}
	return candidates[0]
}

func gapProblem(runsDir string, first, last int64) Problem {
	p := Problem{
		Kind:  KindGap,
		Path:  filepath.Join(runsDir, recordFileName(first)),
		Found: "no file",
	}
	if first == last {
		p.Expected = fmt.Sprintf("record %d", first)
		p.Message = fmt.Sprintf("record %d is missing", first)
	} else {
		p.Expected = fmt.Sprintf("records %d to %d", first, last)
		p.Message = fmt.Sprintf("records %d to %d are missing", first, last)
	}
	return p
}

// checkExpectations compares the chain with the head and length kept elsewhere.
func checkExpectations(runsDir string, opts VerifyOptions, chain chainSummary, files []recordFile) []Problem {
	var problems []Problem
	if opts.ExpectHead != "" && opts.ExpectHead != chain.head {
		message := "chain head is not the expected one, and no record has the expected chain_head: the records that had it were deleted or rewritten"
		if n, ok := findChainHead(files, opts.ExpectHead); ok {
			later := fmt.Sprintf("records %d to %d were", n+1, chain.length)
			if n+1 == chain.length {
				later = fmt.Sprintf("record %d was", chain.length)
			}
			message = fmt.Sprintf("chain head is not the expected one, which is the chain_head of record %d: %s sealed after the expected head was taken", n, later)
		}
		problems = append(problems, Problem{
			Kind: KindHeadMismatch, Path: runsDir, Expected: opts.ExpectHead, Found: chain.head, Message: message,
		})
	}
	if opts.ExpectLength != 0 && opts.ExpectLength != chain.length {
		message := fmt.Sprintf("chain has %d records, not the expected %d", chain.length, opts.ExpectLength)
		if chain.length < opts.ExpectLength {
			message += ": the newest records were deleted"
		}
		problems = append(problems, Problem{
			Kind: KindLengthMismatch, Path: runsDir,
			Expected: fmt.Sprint(opts.ExpectLength), Found: fmt.Sprint(chain.length), Message: message,
		})
	}
	return problems
}

// findChainHead returns the record number of the file whose stored
// chain_head is head.
func findChainHead(files []recordFile, head string) (int64, bool) {
	for i := range files {
		if f := &files[i]; f.number > 0 && f.chainHeadOK && hashHex(f.chainHead) == head {
			return f.number, true
		}
	}
	return 0, false
}
