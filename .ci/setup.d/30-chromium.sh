# The live view tests drive Debian's headless Chromium through playwright-core (no browser download).
ci_need chromium
