#!/usr/bin/env bash
# The run step of action.yml: runs rollsafe once for the SARIF file code scanning
# reads and once for the job log, then exits with rollsafe's status. The inputs
# arrive as environment variables, never spliced into this script's text, so a
# revision or path cannot become shell syntax.
set -uo pipefail

# The step's outputs say how it ended, whatever ends it.
fail() {
  echo "::error::rollsafe: $1" >&2
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then echo "status=2" >> "$GITHUB_OUTPUT"; fi
  exit 2
}

args=()
case "${ROLLSAFE_COMMAND:-check}" in
  check)
    args=(check)
    if [[ -n "${ROLLSAFE_BASE:-}" ]]; then args+=(--base "$ROLLSAFE_BASE"); fi
    ;;
  audit)
    if [[ -z "${ROLLSAFE_FROM:-}" ]]; then
      fail "the audit command needs the 'from' input (the release to roll back to)"
    fi
    args=(audit --from "$ROLLSAFE_FROM")
    if [[ -n "${ROLLSAFE_TO:-}" ]]; then args+=(--to "$ROLLSAFE_TO"); fi
    ;;
  *)
    fail "the command input must be 'check' or 'audit', not '${ROLLSAFE_COMMAND}'"
    ;;
esac
if [[ -n "${ROLLSAFE_PATH:-}" ]]; then args+=("$ROLLSAFE_PATH"); fi
if [[ -n "${ROLLSAFE_FAIL_ON:-}" ]]; then args+=(--fail-on "$ROLLSAFE_FAIL_ON"); fi

sarif="${ROLLSAFE_SARIF:-rollsafe.sarif}"
rollsafe "${args[@]}" --format sarif > "$sarif"
status=$?
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "status=$status" >> "$GITHUB_OUTPUT"
fi
if [[ $status -ge 2 ]]; then
  # rollsafe could not run: its diagnostic is on standard error already. The
  # redirection left an empty file, which is no SARIF report: nothing to upload.
  rm -f -- "$sarif"
  echo "::error::rollsafe could not run (exit status $status): see its message above" >&2
  exit "$status"
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "sarif=$sarif" >> "$GITHUB_OUTPUT"
fi
# The same verdict as annotations on the pull request, and readable in the log.
rollsafe "${args[@]}" --format github
rollsafe "${args[@]}" --color always
exit "$status"
