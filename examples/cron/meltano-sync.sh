#!/bin/sh
# meltano-sync.sh: one scheduled `meltano run` of your Meltano project, from a fresh clone,
# with STATE kept outside the machine (so any runner, or a rebuilt one, carries on).
#
# Usage:
#   meltano-sync.sh GIT_URL RUN_ARGUMENTS...
#   meltano-sync.sh git@github.com:acme/warehouse.git tap-dixa target-postgres
#
# Each run:
#   1. refuses to start unless STATE lives outside the clone: MELTANO_DATABASE_URI (the
#      system database, e.g. postgresql+psycopg://user:pw@host:5432/meltano) or
#      MELTANO_STATE_BACKEND_URI (s3://, gs://, azure://, file://) must be set;
#   2. takes a lock (flock) so that two runs of the job never overlap: a run that finds the
#      lock taken exits 75 at once (cron's next tick tries again);
#   3. clones GIT_URL (shallow) into a temporary folder, removed on exit;
#   4. `meltano install`, then `meltano run RUN_ARGUMENTS...`, and exits with its exit code.
#
# Environment:
#   MELTANO_DATABASE_URI     the shared system database (needs meltano[postgres] for
#                            postgresql+psycopg://); or MELTANO_STATE_BACKEND_URI
#   MELTANO                  the meltano to use (default: `meltano` on PATH). Install one once:
#                              python3 -m venv /opt/meltano
#                              /opt/meltano/bin/pip install "meltano[postgres]~=4.4.1"
#                            and pass MELTANO=/opt/meltano/bin/meltano
#   MELTANO_SYNC_LOCK        the lock file (default: $TMPDIR/meltano-sync-<job>.lock, one per
#                            GIT_URL and blocks; options such as --force do not count, so give
#                            an option's value as --option=value)
#   MELTANO_SYNC_BRANCH      the branch to clone (default: the remote's default branch)
#   TMPDIR                   where the temporary clone goes (default: /tmp)
#   plus every setting the plugins need, as environment variables (TAP_DIXA_API_TOKEN,
#   TARGET_POSTGRES_PASSWORD, ...): keep them in a file only the job's user can read.
#
# Crontab (every hour at minute 17; the settings in a file only the job's user can read):
#   17 * * * *  . "$HOME/.config/meltano-sync.env" && MELTANO=/opt/meltano/bin/meltano /opt/meltano/meltano-sync.sh git@github.com:acme/warehouse.git tap-dixa target-postgres >>"$HOME/meltano-sync.log" 2>&1
#
# systemd: a Type=oneshot service with `EnvironmentFile=` (KEY=value lines) and
# `ExecStart=/opt/meltano/meltano-sync.sh GIT_URL tap-dixa target-postgres`, and a timer with
# `OnCalendar=hourly`; the lock also keeps a manual run from overlapping the timer's.
#
# Exit codes: meltano run's own; 64 usage; 69 git, flock or meltano missing; 75 another run
# of the job holds the lock; 78 no state backend outside the clone; git's when cloning fails.
set -eu

me="meltano-sync"
if [ "$#" -lt 2 ]; then
	echo "usage: $me GIT_URL RUN_ARGUMENTS... (e.g. $me git@host:you/project.git tap-dixa target-postgres)" >&2
	exit 64
fi
if [ -z "${MELTANO_DATABASE_URI:-}" ] && [ -z "${MELTANO_STATE_BACKEND_URI:-}" ]; then
	echo "$me: MELTANO_DATABASE_URI is not set: STATE would be lost with the clone; set it (or MELTANO_STATE_BACKEND_URI) to a database or bucket outside this machine" >&2
	exit 78
fi
url=$1
shift
meltano=${MELTANO:-meltano}
for tool in git flock "$meltano"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$me: $tool not found" >&2
		exit 69
	fi
done

# One lock per job: the project and its blocks, not the options (a manual `--force` or
# `--full-refresh` run takes the scheduled run's lock), unless the caller names a lock file.
blocks=
for argument in "$@"; do
	case $argument in
	-*) ;;
	*) blocks="$blocks $argument" ;;
	esac
done
job=$(printf '%s\n' "$url" "$blocks" | cksum | cut -d' ' -f1)
lock=${MELTANO_SYNC_LOCK:-${TMPDIR:-/tmp}/$me-$job.lock}
exec 9>>"$lock"
if ! flock -n 9; then
	echo "$me: another run of this job holds $lock; not starting" >&2
	exit 75
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

branch=${MELTANO_SYNC_BRANCH:+--branch=$MELTANO_SYNC_BRANCH}
# shellcheck disable=SC2086 # $branch is one word or none
git clone --quiet --depth=1 $branch -- "$url" "$work/project"
cd "$work/project"
"$meltano" install
status=0
"$meltano" run "$@" || status=$?
exit "$status"
