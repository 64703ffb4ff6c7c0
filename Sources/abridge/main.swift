import AbridgeCLI
AbridgeCommand.runMain()
