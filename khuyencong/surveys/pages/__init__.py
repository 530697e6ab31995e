"""Staff pages of needs surveys, needs and online applications (namespace ``surveys``), by
subject: campaigns (and their Kobo import), responses (the survey form), needs,
applications."""

PAGE_SIZE = 25
