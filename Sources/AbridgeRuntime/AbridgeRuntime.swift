// The interpreter lands here (issue 3).
