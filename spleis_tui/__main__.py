from spleis_tui.cli import main

main()
