window.__ewMap || (window.__ewMap = {fixed: [], live: [], visible: {}, undo: []})
