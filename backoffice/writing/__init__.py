"""The one write path: what every write keeps true, whichever way it is made.

Every change to the data keeps five things true, and they are kept here only:
- an opinion's stored due dates follow from its assignment date, its reply extension,
  its session's periods and the working calendar (`rules.DueDateBook`);
- a change of an opinion's lead unit leaves a reassignment (改派) in its history;
- a record edited on screens (`Versioned`) goes up a version with every change, and a
  change to one of its parts (`__version_parent__`: an opinion's contacts, a unit's
  aliases) raises the version of the whole, so that no stale form saves over it;
- every row created, changed or deleted leaves an audit entry (backoffice.audit);
- the dashboard's counts by day follow the opinions' facts (`spans.Recount`: the touched
  opinions' spans before the write taken away, after it added).

Two entries apply the same rules: ORM sessions (screens, the CLI) through the flush hooks
of `orm.listen()`, and bulk writes with Core statements (imports, due-date refreshes)
through `bulk.Writer`. A bulk write that checks before it writes (an import, an undo)
holds the write lock from its check to its commit (`exclusive.keep_writers_out`), and so
does a change of a session's periods, which moves the counts of all its opinions.
"""
