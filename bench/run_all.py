"""Run every benchmark script in bench/ and report which failed its goal."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

if __name__ == "__main__":
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script)], cwd=HERE).returncode != 0:
            failed.append(script.name)
    print("\nall goals met" if not failed else f"\ngoals missed: {', '.join(failed)}")
    sys.exit(1 if failed else 0)
