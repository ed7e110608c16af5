# Sourced by the legacy tests: where the original Sebek server tools are.
#   resolve_originals DEFAULT_DIR
# SEBEK_TOOLS_DIR wins; else DEFAULT_DIR (the checkout's ../shared/oracle/sebekd,
# set by tests/legacy/CMakeLists.txt). Neither present is a failure: a run
# that silently skipped the comparison with the originals would prove
# nothing. Only an explicit XEBEK_NO_SEBEK_ORIGINALS=1, for a machine that
# genuinely has no copy of them, turns that into a skip (exit 77).
resolve_originals() {
  local default=$1
  if [[ -n "${SEBEK_TOOLS_DIR:-}" ]]; then
    [[ -d "$SEBEK_TOOLS_DIR" ]] || { echo "FAIL: SEBEK_TOOLS_DIR=$SEBEK_TOOLS_DIR is not a directory"; exit 1; }
    echo "original Sebek tools: $SEBEK_TOOLS_DIR (from SEBEK_TOOLS_DIR)"
  elif [[ -d "$default" ]]; then
    SEBEK_TOOLS_DIR=$default
    echo "original Sebek tools: $SEBEK_TOOLS_DIR (the default: ../shared/oracle/sebekd beside the checkout)"
  elif [[ "${XEBEK_NO_SEBEK_ORIGINALS:-}" == 1 ]]; then
    echo "SKIPPED: XEBEK_NO_SEBEK_ORIGINALS=1 and no original Sebek tools at $default"
    exit 77
  else
    echo "FAIL: the original Sebek tools are not at $default and SEBEK_TOOLS_DIR is not set."
    echo "Point SEBEK_TOOLS_DIR at a directory holding sbk_extract.c, sbk_extract.h and the"
    echo "sbk_*.pl scripts (or set XEBEK_NO_SEBEK_ORIGINALS=1 where they genuinely are absent)."
    exit 1
  fi
  export SEBEK_TOOLS_DIR
}
