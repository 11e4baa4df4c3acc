package distroless

import (
	"regexp"
	"strings"
)

// imageRef is an image reference split into its parts. Repository is
// lowercased and keeps its registry host, for example
// "gcr.io/distroless/static-debian12".
type imageRef struct {
	Repository string
	Tag        string
	Digest     string
}

func parseImageRef(ref string) imageRef {
	var r imageRef
	ref = strings.TrimSpace(ref)
	if at := strings.IndexByte(ref, '@'); at >= 0 {
		r.Digest = ref[at+1:]
		ref = ref[:at]
	}
	if colon := strings.LastIndexByte(ref, ':'); colon > strings.LastIndexByte(ref, '/') {
		r.Tag = ref[colon+1:]
		ref = ref[:colon]
	}
	r.Repository = strings.ToLower(ref)
	return r
}

// name returns the last path element of the repository: "python" for
// "docker.io/library/python".
func (r imageRef) name() string {
	return r.Repository[strings.LastIndexByte(r.Repository, '/')+1:]
}

// distrolessPrefix is the registry path of Google's distroless images, the
// only images this task class accepts as a distroless base.
const distrolessPrefix = "gcr.io/distroless/"

// Variant describes a distroless base image.
type Variant struct {
	// Family is static, base, base-nossl, cc, java, java-base, nodejs or
	// python3, or "" for a repository under gcr.io/distroless that this
	// package does not know.
	Family string
	// Version is the runtime version in the name: "17" for java17, "22"
	// for nodejs22, the tag's version for the older names such as java:11,
	// and the Python version of the Debian release for python3-debian12
	// ("3.11"). It is empty when the name carries none.
	Version string
	// Debug is true for the debug tags, which add a busybox shell.
	Debug bool
	// NonrootTag is true for the nonroot tags, whose default user is
	// nonroot (uid 65532).
	NonrootTag bool
}

var distrolessName = regexp.MustCompile(`^(static|base-nossl|base|cc|java-base|java|nodejs|python3)(\d*)(?:-debian(\d+))?$`)

// pythonOfDebian is the Python version of the python3 images on each
// Debian release, from the distroless documentation and Debian's packages.
var pythonOfDebian = map[string]string{"11": "3.9", "12": "3.11", "13": "3.13"}

// ParseVariant reports whether ref names a gcr.io/distroless image and, if
// so, which variant.
func ParseVariant(ref string) (Variant, bool) {
	r := parseImageRef(ref)
	if !strings.HasPrefix(r.Repository, distrolessPrefix) {
		return Variant{}, false
	}
	var v Variant
	tag := strings.ToLower(r.Tag)
	v.Debug = strings.Contains(tag, "debug")
	v.NonrootTag = strings.Contains(tag, "nonroot")

	m := distrolessName.FindStringSubmatch(strings.TrimPrefix(r.Repository, distrolessPrefix))
	if m == nil {
		return v, true
	}
	v.Family, v.Version = m[1], m[2]
	if v.Family == "python3" {
		v.Version = pythonOfDebian[m[3]]
	}
	if v.Version == "" && (v.Family == "java" || v.Family == "nodejs") {
		// The older repositories put the runtime version in the tag:
		// gcr.io/distroless/java:11, gcr.io/distroless/nodejs:18-debug.
		v.Version = leadingVersion(tag, false)
	}
	return v, true
}

// IsDistroless reports whether ref names a gcr.io/distroless image.
func IsDistroless(ref string) bool {
	_, ok := ParseVariant(ref)
	return ok
}

var versionPrefix = regexp.MustCompile(`^v?(\d+)(?:\.(\d+))?`)

// leadingVersion returns the version a tag starts with: the major version,
// or major.minor when withMinor is set. It returns "" when the tag does not
// start with a number.
func leadingVersion(tag string, withMinor bool) string {
	m := versionPrefix.FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	if withMinor && m[2] != "" {
		return m[1] + "." + m[2]
	}
	return m[1]
}

// Languages that Derive recognizes.
const (
	LanguageGo     = "go"
	LanguageRust   = "rust"
	LanguageJava   = "java"
	LanguageNode   = "node"
	LanguagePython = "python"
)

// imageLanguage returns the language whose toolchain or runtime the image
// ref provides, and the runtime version its tag names, or "" for a plain
// distribution image such as debian or alpine.
func imageLanguage(ref string) (lang, version string) {
	r := parseImageRef(ref)
	tag := strings.ToLower(r.Tag)
	switch name := r.name(); name {
	case "golang", "go":
		return LanguageGo, leadingVersion(tag, true)
	case "rust", "cargo-chef":
		return LanguageRust, ""
	case "node", "bun":
		return LanguageNode, leadingVersion(tag, false)
	case "python", "pypy":
		return LanguagePython, leadingVersion(tag, true)
	case "eclipse-temurin", "openjdk", "amazoncorretto", "maven", "gradle", "sapmachine",
		"ibm-semeru-runtimes", "ibmjava", "zulu-openjdk", "adoptopenjdk", "jdk", "jre":
		if name == "maven" || name == "gradle" {
			return LanguageJava, javaVersionInTag(tag)
		}
		return LanguageJava, leadingVersion(tag, false)
	}
	switch {
	case strings.Contains(tag, "rust"):
		return LanguageRust, ""
	case strings.Contains(tag, "python"):
		return LanguagePython, ""
	}
	return "", ""
}

var javaInTag = regexp.MustCompile(`(?:jdk|temurin|java|corretto)-?(\d+)`)

// javaVersionInTag finds the JDK version in a build tool's tag, such as 17
// in "3.9-eclipse-temurin-17".
func javaVersionInTag(tag string) string {
	if m := javaInTag.FindStringSubmatch(tag); m != nil {
		return m[1]
	}
	return ""
}
