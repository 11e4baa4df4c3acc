package distroless

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// packageCommands install or remove operating-system packages.
var packageCommands = map[string]bool{
	"apt-get": true, "apt": true, "apk": true, "dnf": true, "microdnf": true, "yum": true,
}

// packageClass is the treatment a distroless migration owes a package
// that the original final stage installed.
type packageClass int

const (
	// packageRuntime is a package the application may need at run time,
	// which a migration must install in a build stage and copy from.
	packageRuntime packageClass = iota
	// packageProvided is in every distroless image, or in the variant
	// that runs the language.
	packageProvided
	// packageDroppable serves only a shell, a health check, a user switch
	// or a build, none of which a distroless image needs.
	packageDroppable
)

var providedPackages = map[string]bool{
	"ca-certificates": true, "tzdata": true, "libc6": true, "libc6-compat": true, "musl": true,
	"libssl3": true, "libssl1.1": true, "openssl": true, "netbase": true, "libgcc-s1": true,
	"libgcc1": true, "libgcc": true, "libstdc++6": true, "libstdc++": true, "libgomp1": true,
	"python3": true, "python3-minimal": true, "nodejs": true,
}

var runtimePackage = regexp.MustCompile(`^(python3\.\d+|openjdk-?\d+-jre.*|default-jre.*|openjdk\d+-jre.*)$`)

var droppablePackages = map[string]bool{
	"curl": true, "wget": true, "bash": true, "tini": true, "dumb-init": true, "gosu": true,
	"su-exec": true, "procps": true, "shadow": true, "sudo": true, "nano": true, "vim": true,
	"less": true, "jq": true, "busybox": true, "coreutils": true, "findutils": true, "grep": true,
	"sed": true, "gawk": true, "netcat": true, "netcat-openbsd": true, "iputils-ping": true,
	"unzip": true, "zip": true, "gnupg": true, "gpg": true, "dirmngr": true, "tar": true,
	"gzip": true, "xz-utils": true, "bzip2": true, "locales": true, "apt-transport-https": true,
	"software-properties-common": true, "lsb-release": true, "gcc": true, "g++": true,
	"make": true, "cmake": true, "build-base": true, "build-essential": true, "pkg-config": true,
	"pkgconf": true, "python3-pip": true, "python3-venv": true,
}

// classifyPackage returns what a migration must do with pkg.
func classifyPackage(pkg string) packageClass {
	switch {
	case providedPackages[pkg] || runtimePackage.MatchString(pkg):
		return packageProvided
	case droppablePackages[pkg] || strings.HasSuffix(pkg, "-dev") || strings.HasSuffix(pkg, "-devel"):
		return packageDroppable
	}
	return packageRuntime
}

// runPackages returns the packages a RUN installs with apt-get, apk, dnf
// or a similar command, without version pins, in order.
func runPackages(run *instructions.RunCommand) []string {
	var pkgs []string
	for _, command := range splitCommands(runText(run)) {
		pkgs = append(pkgs, installedPackages(command)...)
	}
	return pkgs
}

// installedPackages returns the package arguments of one install command,
// or nil. Arguments with variables are skipped, since their values are
// unknown here.
func installedPackages(command string) []string {
	words := strings.Fields(command)
	for len(words) > 0 && isAssignment(words[0]) {
		words = words[1:]
	}
	if len(words) < 2 || !packageCommands[path.Base(words[0])] {
		return nil
	}
	var pkgs []string
	installing := false
	for k := 1; k < len(words); k++ {
		w := words[k]
		switch {
		case w == "install" || w == "add":
			installing = true
		case optionsWithValue[w]:
			k++
		case !installing || strings.HasPrefix(w, "-"):
		default:
			if name := packageName(w); packageNamePattern.MatchString(name) {
				pkgs = append(pkgs, name)
			}
		}
	}
	return pkgs
}

// optionsWithValue are package-manager options whose value is the next
// word, such as apt-get's -o Dpkg::Options::=--force-confdef.
var optionsWithValue = map[string]bool{
	"-o": true, "--option": true, "-t": true, "--target-release": true, "-X": true,
	"--repository": true, "--virtual": true, "-t=": true, "--setopt": true,
}

// packageNamePattern matches the package names of Debian, Alpine and the
// Red Hat family. A word with a variable, a path or a glob does not match.
var packageNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.+_-]*$`)

// packageName strips a version pin: "curl=8.5.0-2" gives "curl".
func packageName(pkg string) string {
	if i := strings.IndexAny(pkg, "=<>~"); i > 0 {
		return pkg[:i]
	}
	return pkg
}

// runtimePackages returns the sorted runtime packages that the RUN
// instructions of the final image of df install.
func runtimePackages(df *Dockerfile) []string {
	seen := map[string]bool{}
	for _, st := range df.Chain(df.Final().Index) {
		for _, c := range st.Commands {
			run, ok := c.(*instructions.RunCommand)
			if !ok {
				continue
			}
			for _, pkg := range runPackages(run) {
				if classifyPackage(pkg) == packageRuntime {
					seen[pkg] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for pkg := range seen {
		out = append(out, pkg)
	}
	sort.Strings(out)
	return out
}

// samePackage reports whether two package names name the same software
// across distributions: one is a prefix of the other, so that Alpine's
// libpq matches Debian's libpq5 and postgresql-client matches
// postgresql-client-15.
func samePackage(a, b string) bool {
	if len(a) < 3 || len(b) < 3 {
		return a == b
	}
	return strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
}

// systemDirs hold the files that operating-system packages install.
var systemDirs = []string{"/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc"}

// packageSourceStages returns the stages from which the final image of df
// copies files under a system directory (or "/"), with the stages they are
// built on. Copying only an application directory brings in no package.
func packageSourceStages(df *Dockerfile) map[int]bool {
	out := map[int]bool{}
	for _, st := range df.Chain(df.Final().Index) {
		for _, cp := range df.Copies(st.Index) {
			if cp.FromStage < 0 || !copiesSystemFiles(cp) {
				continue
			}
			for _, s := range df.Chain(cp.FromStage) {
				out[s.Index] = true
			}
		}
	}
	return out
}

func copiesSystemFiles(cp Copy) bool {
	for _, src := range cp.Sources {
		p := "/" + strings.TrimPrefix(cleanPath(src), "/")
		if p == "/" || p == "/." {
			return true
		}
		for _, dir := range systemDirs {
			if pathCovers(dir, p) {
				return true
			}
		}
	}
	return false
}

// checkPackages reports each expected runtime package that no stage the
// final image copies system files from installs.
func checkPackages(got *Dockerfile, want []string) []Finding {
	var out []Finding
	installed := map[string]bool{}
	for i := range packageSourceStages(got) {
		for _, c := range got.Stages[i].Commands {
			if run, ok := c.(*instructions.RunCommand); ok {
				for _, pkg := range runPackages(run) {
					installed[pkg] = true
				}
			}
		}
	}
	for _, pkg := range want {
		moved := false
		for have := range installed {
			if samePackage(pkg, have) {
				moved = true
				break
			}
		}
		if !moved {
			out = append(out, Finding{ModePackageDropped, "the original final stage installed " + pkg + ", and no build stage that the final image copies system files from installs it"})
		}
	}
	return out
}
