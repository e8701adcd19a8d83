"""Pure rules of the trace store: who may read traces, retention, summaries and waterfalls."""
