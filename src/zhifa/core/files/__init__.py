"""Stored files for every domain: content-addressed storage on disk or S3, type sniffing, SHA-256 + SM3
in one pass, verification, destruction when nothing refers to the content, and access-checked serving.

Modules: `models` (Blob, BlobCheck), `services` (blob_store, content_put/blob_record, blob_open,
blob_verify, register_blob_reference, blob_destroy), `serving` (serve_blob), `filetypes` (detect),
`hashing` (DualHasher), `storage` (the store and its settings). See docs/interfaces.md.
"""
