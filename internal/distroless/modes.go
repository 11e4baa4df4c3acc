package distroless

import "github.com/codegenie/codegenie/internal/rubric"

// Failure mode ids of the distroless_migration check.
const (
	ModeDockerfileMissing     = "dockerfile-missing"
	ModeDockerfileInvalid     = "dockerfile-invalid"
	ModeBaseNotDistroless     = "base-not-distroless"
	ModeBaseUnresolved        = "base-unresolved"
	ModeDebugImage            = "debug-image"
	ModeRunInFinalStage       = "run-in-final-stage"
	ModeShellFormCommand      = "shell-form-command"
	ModeShellInstruction      = "shell-instruction"
	ModeShellEntrypoint       = "shell-entrypoint"
	ModeHealthcheckNeedsShell = "healthcheck-needs-shell"
	ModeHealthcheckNeedsTool  = "healthcheck-needs-tool"
	ModeCommandNotFound       = "command-not-found"
	ModeInterpreterMissing    = "interpreter-missing"
	ModePackageDropped        = "runtime-package-dropped"
	ModeEntrypointChanged     = "entrypoint-changed"
	ModeArtefactDropped       = "artefact-dropped"
	ModeArtefactMoved         = "artefact-moved"
	ModeBuildStageChanged     = "build-stage-changed"
	ModeVariantMismatch       = "variant-mismatch"
	ModeRuntimeVersion        = "runtime-version-changed"
	ModeRuntimeTooOld         = "runtime-too-old"
	ModeUnknownUser           = "unknown-user"
	ModeRunsAsRoot            = "runs-as-root"
)

// ModeInfo is the fixed meaning of one failure mode.
type ModeInfo struct {
	ID       string
	Severity rubric.Severity
	// Fails is true when the mode fails the check (score 0). A mode that
	// does not fail it is only recorded.
	Fails bool
	// Meaning is one sentence for the documentation.
	Meaning string
}

// Modes is the table of failure modes, in the order the documentation
// lists them. The package documentation and benches/distroless/README.md
// repeat it, and a test keeps the README in step.
var Modes = []ModeInfo{
	{ModeDockerfileMissing, rubric.SeverityBlock, true, "the Dockerfile is gone from the workspace, or is not a regular file"},
	{ModeDockerfileInvalid, rubric.SeverityBlock, true, "the Dockerfile is empty, larger than 1 MiB or rejected by BuildKit's parser"},
	{ModeArtefactDropped, rubric.SeverityBlock, true, "a file the original final stage copied in (from a build stage, an image or the context) is no longer copied"},
	{ModeBuildStageChanged, rubric.SeverityBlock, true, "a build stage the final image depends on was removed or edited, or a global ARG it reads changed its default"},
	{ModeBaseNotDistroless, rubric.SeverityWarn, true, "the final stage's base image is not under gcr.io/distroless/"},
	{ModeBaseUnresolved, rubric.SeverityWarn, true, "the final stage's base image names an ARG that has no default"},
	{ModeDebugImage, rubric.SeverityWarn, true, "the base is a :debug tag, which adds a busybox shell"},
	{ModeRunInFinalStage, rubric.SeverityWarn, true, "the final image runs RUN, which needs a shell the image does not have"},
	{ModeShellFormCommand, rubric.SeverityWarn, true, "CMD or ENTRYPOINT is in shell form, which runs /bin/sh"},
	{ModeShellInstruction, rubric.SeverityWarn, true, "the final image sets SHELL"},
	{ModeShellEntrypoint, rubric.SeverityWarn, true, "the exec-form command runs a shell or a shell script"},
	{ModeHealthcheckNeedsShell, rubric.SeverityWarn, true, "HEALTHCHECK is in shell form or runs a shell"},
	{ModeHealthcheckNeedsTool, rubric.SeverityWarn, true, "HEALTHCHECK runs curl, wget or nc, which the image lacks unless the Dockerfile copies it in"},
	{ModeCommandNotFound, rubric.SeverityWarn, true, "the command starts a program that the image lacks and no COPY brings in: tini, npm, a bare node (the nodejs images keep it in /nodejs/bin), an interpreter of another variant, or a binary left behind"},
	{ModeInterpreterMissing, rubric.SeverityWarn, true, "the command starts a Python or Node.js script whose #! interpreter the distroless image lacks (a python-image venv, node_modules/.bin)"},
	{ModePackageDropped, rubric.SeverityWarn, true, "a runtime package the original final stage installed is not installed in a build stage whose system files (under /usr, /lib or /etc) the final stage copies"},
	{ModeEntrypointChanged, rubric.SeverityWarn, true, "the image no longer starts the application the original started, with its arguments"},
	{ModeVariantMismatch, rubric.SeverityWarn, true, "the distroless variant does not fit the application's language"},
	{ModeRuntimeTooOld, rubric.SeverityWarn, true, "the distroless Java is older than the original's, which cannot load newer class files"},
	{ModeUnknownUser, rubric.SeverityWarn, true, "USER or COPY --chown names a user that the image has no passwd entry for"},
	{ModeArtefactMoved, rubric.SeverityInfo, false, "an artefact is still copied, but to another destination"},
	{ModeRuntimeVersion, rubric.SeverityInfo, false, "the runtime version differs from the original image's: a newer Java, another Node.js major or another Python minor version"},
	{ModeRunsAsRoot, rubric.SeverityInfo, false, "the image runs as root; it fails the check only when the parameter require_nonroot is true"},
}

func modeInfo(id string) ModeInfo {
	for _, m := range Modes {
		if m.ID == id {
			return m
		}
	}
	panic("distroless: unknown failure mode " + id)
}
