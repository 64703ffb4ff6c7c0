"""What the benchmark scripts record about the machine they ran on (imported by them; they run
as `python3 scripts/bench/NAME.py`, so this folder is on sys.path)."""
import os
import platform
import time


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, or "unknown"."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def machine():
    """nproc, CPU, kernel, date, load average and the versions of the Python packages timed."""
    import numpy as np
    import onnx
    import onnxruntime
    return {"nproc": os.cpu_count(), "cpu": cpu_model(), "kernel": platform.release(), "date": time.strftime("%Y-%m-%d %H:%M"),
            "load_average": [round(x, 2) for x in os.getloadavg()], "onnxruntime": onnxruntime.__version__,
            "onnx": onnx.__version__, "numpy": np.__version__}
