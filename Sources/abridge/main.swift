import AbridgeCLI
AbridgeCommand.main()
