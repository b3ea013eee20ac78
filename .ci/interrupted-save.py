"""Interrupts checkpoint saves mid-write (SIGINT and SIGTERM, as soon as the temporary file
appears) and checks that no temporary file is ever left behind and that the signal still
ends the process. A 1024-unit model makes the write long enough to be caught.
usage: interrupted-save.py RNN_BINARY EMPTY_FOLDER"""
import os, signal, subprocess, sys
binary, folder = sys.argv[1], sys.argv[2]
target = os.path.join(folder, "big.safetensors")
caught = 0
tries = 0
for attempt in range(20):
    tries += 1
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    child = subprocess.Popen([binary, "--quick", "--set", "steps=1", "--set", "hidden=1024",
                              "--only", "5", "--save", target],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = False
    while child.poll() is None:
        if any(n.endswith(".tmp") for n in os.listdir(folder)):
            child.send_signal(signal.SIGTERM if attempt % 2 else signal.SIGINT)
            seen = True
            break
    child.wait()
    left = [n for n in os.listdir(folder) if n.endswith(".tmp")]
    assert not left, f"attempt {attempt}: temporary file left behind: {left}"
    if seen and child.returncode < 0:
        caught += 1
    if caught >= 2:
        break
print(f"   interrupted {caught} of {tries} saves mid-write; no temporary file was left behind")
assert caught > 0, "no save was caught mid-write"
