// SPDX-License-Identifier: MIT
#include "sandboxdiff.h"

#include "git/gitinput.h"

using namespace Qt::StringLiterals;

namespace squad::git {

namespace {

// $1 repository folder or "", $2 the folder squadctl git clone makes (repos/NAME) or "", $3 the
// one plain `git clone` makes (NAME) or "", $4 context lines, $5 "-w"
// or "". Config given with -c rather than newer flags, so an older git in the sandbox
// ignores what it does not know instead of failing.
const char Script[] = R"(dir=$1 guess=$2 plain=$3
LC_ALL=C; export LC_ALL
GIT_OPTIONAL_LOCKS=0; export GIT_OPTIONAL_LOCKS
command -v git >/dev/null 2>&1 || { echo "git is not installed in the sandbox" >&2; exit 3; }
if [ -z "$dir" ]; then
    if [ -n "$guess" ] && [ -e "$guess/.git" ]; then
        dir=$guess
    elif [ -n "$plain" ] && [ -e "$plain/.git" ]; then
        dir=$plain
    else
        found=$(find . -mindepth 1 -maxdepth 4 \( -name '.*' ! -name .git \) -prune -o -name .git -print 2>/dev/null)
        count=$(printf '%s' "$found" | grep -c '^')
        if [ "$count" -eq 0 ]; then
            echo "no git repository in the sandbox's home: pass --repo-dir" >&2; exit 3
        elif [ "$count" -gt 1 ]; then
            echo "several git repositories in the sandbox's home, pass --repo-dir with one of:" >&2
            printf '%s\n' "$found" | sed 's|/\.git$||; s|^\./||' >&2; exit 3
        fi
        dir=${found%/.git}
    fi
fi
cd -- "$dir" 2>/dev/null || { echo "no folder $dir in the sandbox" >&2; exit 3; }
top=$(git rev-parse --show-toplevel 2>/dev/null) || { echo "$dir is not a git working tree" >&2; exit 3; }
cd -- "$top" || exit 3
index=$(git rev-parse --git-path index) || exit 3
tmp=$(mktemp -d) || exit 3
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# -p: git trusts an entry's stat data only if the file is older than the index; a copy with
# a newer time would hide files changed in the same second as the index was written.
if [ -f "$index" ]; then cp -p -- "$index" "$tmp/index" || exit 3; fi
GIT_INDEX_FILE=$tmp/index; export GIT_INDEX_FILE
git add --intent-to-add --ignore-errors -- . >/dev/null || true
base=$(git rev-parse -q --verify 'HEAD^{tree}') || base=$(git hash-object -t tree /dev/null) || exit 3
git -c core.quotePath=false -c diff.noprefix=false -c diff.mnemonicPrefix=false \
    -c diff.relative=false -c diff.suppressBlankEmpty=false -c diff.interHunkContext=0 \
    -c diff.algorithm=myers -c diff.indentHeuristic=true -c diff.ignoreSubmodules=none \
    -c core.pager=cat \
    diff --raw --numstat -z -p --binary -M -C "-U$4" $5 --no-color --no-ext-diff \
    --no-textconv --src-prefix=a/ --dst-prefix=b/ "$base" --
)";

} // namespace

QStringList sandboxDiffCommand(const SandboxDiffRequest &request)
{
    return {u"sh"_s,
            u"-c"_s,
            QString::fromUtf8(Script),
            u"squad-diff"_s,
            request.repoDir,
            request.repoUrl.isEmpty() ? QString() : defaultRepoFolder(request.repoUrl),
            cloneFolderName(request.repoUrl),
            QString::number(qMax(0, request.contextLines)),
            request.ignoreWhitespace ? u"-w"_s : QString()};
}

QString cloneFolderName(const QString &url)
{
    QString name = url.trimmed();
    while (name.endsWith(u'/'))
        name.chop(1);
    name = name.mid(qMax(name.lastIndexOf(u'/'), name.lastIndexOf(u':')) + 1);
    if (name.endsWith(u".git"))
        name.chop(4);
    // Nothing that could leave the home or be read as an option.
    if (name == u"." || name == u".." || name.startsWith(u'-'))
        return {};
    return name;
}

} // namespace squad::git
