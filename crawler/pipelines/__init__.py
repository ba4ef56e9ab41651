"""The crawl's item pipelines, in the order ``ITEM_PIPELINES`` runs them: extract, archive."""
