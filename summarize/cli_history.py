"""``summarize history``: the briefs saved in the history, one brief's stories with their
history keys, and one story over the weeks (``summarize history story KEY``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from summarize.console import error_console, printable
from summarize.render.arc import arc_table, stories_table
from summarize.week import arc
from summarize.week.history import HistoryError, desk_of, list_briefs
from summarize.week.history import default_path as default_history_path
from summarize.week.keep import desk_label, history_table

HISTORY_FILE_HELP = "The history's SQLite file [default: $SUMMARIZE_HISTORY, else history.sqlite in the user data folder]."
EXIT_ERROR = 2

history_app = typer.Typer(
    help="List the briefs saved in the history (each brief over a window is saved), one brief's stories (--window), or one story over the weeks (history story KEY).",
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
)

HistoryFile = Annotated[Optional[Path], typer.Option("--history", help=HISTORY_FILE_HELP, show_default=False)]
Desk = Annotated[Optional[str], typer.Option("--desk", help="The desk the brief was kept under (brief --desk).", show_default=False)]
Folder = Annotated[Optional[Path], typer.Option("--folder", help="The folder the brief was made from (when no --desk was given).", show_default=False)]


def _fail(message: object) -> typer.Exit:
    error_console().print(f"error: {printable(message)}", style="bold red")
    return typer.Exit(EXIT_ERROR)


def _desk(desk: str | None, folder: Path | None) -> str | None:
    if desk and folder:
        raise _fail("give --desk or --folder, not both")
    return desk_of(folder, desk) if (desk or folder) else None


@history_app.callback()
def history_list(
    ctx: typer.Context,
    history: HistoryFile = None,
    window: Annotated[Optional[str], typer.Option("--window", help="List the stories of the brief over this window, with their history keys.", show_default=False)] = None,
    desk: Desk = None,
    folder: Folder = None,
) -> None:
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"history": history, "window": window, "desk": desk, "folder": folder}
        return
    path = history or default_history_path(os.environ)
    try:
        saved = list_briefs(path)
        if not saved:
            error_console().print(f"no brief saved in {printable(path)} yet: brief a window (--week or --since/--until) to start one")
            return
        if window is not None:
            chosen, weeks = arc.window_stories(path, window, _desk(desk, folder))
            sys.stdout.write(printable(f"stories of the brief of {window} for {desk_label(chosen)}\n" + stories_table(weeks)))
            sys.stdout.write(printable("(one story over the weeks: summarize history story KEY)\n"))
            return
    except (HistoryError, arc.ArcError) as problem:
        raise _fail(problem) from None
    sys.stdout.write(printable(history_table(saved)))
    sys.stdout.write(f"({len(saved)} brief(s) in {printable(path)}; a brief's stories and their keys: summarize history --window WINDOW)\n")


@history_app.command(help="One story over the saved weeks of its folder or desk: KEY is WINDOW/STORY (2024-W45/ST1, as `summarize history --window` and the brief's 'Since the last brief' print it), or STORY with --window.")
def story(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="WINDOW/STORY, or STORY with --window.", show_default=False)],
    history: HistoryFile = None,
    window: Annotated[Optional[str], typer.Option("--window", help="The window of the brief whose story id KEY is.", show_default=False)] = None,
    desk: Desk = None,
    folder: Folder = None,
) -> None:
    given = ctx.obj or {}
    history = history or given.get("history")
    window = window or given.get("window")
    desk, folder = desk or given.get("desk"), folder or given.get("folder")
    path = history or default_history_path(os.environ)
    try:
        label, story_id = (window, key) if window else arc.split_key(key)
        chosen, found = arc.arc_in_history(path, label, story_id, _desk(desk, folder))
    except (HistoryError, arc.ArcError) as problem:
        raise _fail(problem) from None
    sys.stdout.write(printable(f"{desk_label(chosen)}\n" + arc_table(found)))
