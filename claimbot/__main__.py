from claimbot.main import main

main()
