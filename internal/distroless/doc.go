// Package distroless implements the distroless task class: a Dockerfile
// model built on BuildKit's parser, the distroless_migration rubric check,
// the importer that turns Dockerfiles into cases, and the baseline migrator
// SUT distroless-migrate.
//
// Parsing never runs anything. ParseBytes reads at most MaxDockerfileBytes
// (1 MiB) and resolves what a build would decide statically: the stages and
// the final stage, FROM lines with the defaults of the global ARGs, FROM
// <stage> chains, COPY --from by stage name (case-insensitive) or index,
// shell and exec forms, and the command the image starts.
//
// # The check
//
// The distroless_migration check compares the SUT's Dockerfile with the
// pristine one (rubric.Env.Original) and the case's Expectations. It reads
// the workspace through os.Root. Each problem is a failure mode; a mode
// marked "fails" fails the check (score 0), and a recorded mode only
// appears in the report. The block modes are sabotage or a broken file,
// which fail a promotion gate whatever the mean:
//
//	id                       severity  effect    meaning
//	dockerfile-missing       block     fails     the Dockerfile is gone or not a regular file
//	dockerfile-invalid       block     fails     empty, larger than 1 MiB, or rejected by BuildKit's parser
//	artefact-dropped         block     fails     a file the original final stage copied in is no longer copied
//	build-stage-changed      block     fails     a build stage the final image depends on was removed or edited
//	base-not-distroless      warn      fails     the final base image is not under gcr.io/distroless/
//	base-unresolved          warn      fails     the final base image names an ARG without a default
//	debug-image              warn      fails     a :debug tag, which adds a busybox shell
//	run-in-final-stage       warn      fails     RUN in the final image, which has no shell
//	shell-form-command       warn      fails     CMD or ENTRYPOINT in shell form
//	shell-instruction        warn      fails     SHELL in the final image
//	shell-entrypoint         warn      fails     the exec-form command runs a shell or a shell script
//	healthcheck-needs-shell  warn      fails     HEALTHCHECK in shell form or running a shell
//	healthcheck-needs-tool   warn      fails     HEALTHCHECK runs curl, wget or nc that no COPY brings in
//	command-not-found        warn      fails     the command's program is not in the image
//	interpreter-missing      warn      fails     the command is a script whose #! interpreter the image lacks
//	runtime-package-dropped  warn      fails     a runtime package of the original final stage was not moved
//	entrypoint-changed       warn      fails     the image no longer starts the original application
//	variant-mismatch         warn      fails     the variant does not fit the language
//	runtime-too-old          warn      fails     the distroless Java is older than the original's
//	unknown-user             warn      fails     USER or COPY --chown names a user the image lacks
//	artefact-moved           info      recorded  an artefact is copied to another destination
//	runtime-version-changed  info      recorded  another Java, Node.js or Python version than the original's
//	runs-as-root             info      recorded  the image runs as root (fails with require_nonroot: true)
//
// Modes holds the same table with longer meanings. The checks that assume
// a shell-less image run only when the final base is a distroless image,
// so a Dockerfile left on its old base reports base-not-distroless alone
// (with any artefact, build-stage or entrypoint problem).
//
// The check is static. It cannot see whether a library, a Python package
// installed by pip or a JVM option passed through a variable is still
// present at run time; README.md of the task class lists these limits.
package distroless
