from spleis_tui.cli import main

if __name__ == "__main__":  # not when a matching worker process imports this
    main()
