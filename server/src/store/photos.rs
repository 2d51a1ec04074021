//! Where offering photos are kept ([`Uploads`]): rows of `photos`, or files named
//! `{key}-{size}.jpg` in a directory. Keys are content hashes, so a put of a key that
//! exists changes nothing.

use super::{failed, SqlStore, Uploads};
use app::domain::offerings::photo::PhotoSize;
use app::domain::store::StoreError;

/// A key is hex (it names files): anything else is refused before it reaches a path.
fn valid_key(key: &str) -> bool {
    (8..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_hexdigit())
}

impl SqlStore {
    pub async fn put_photo(&self, key: &str, size: PhotoSize, jpeg: &[u8], now: i64) -> Result<(), StoreError> {
        if !valid_key(key) {
            tracing::error!(key, "refused to store a photo under a malformed key");
            return Err(StoreError::Failed {
                reference: "photo-key".into(),
            });
        }
        match self.uploads.as_ref() {
            Uploads::Database => {
                sqlx::query(
                    "INSERT INTO photos (photo_key, size, content_type, bytes, created_at) VALUES ($1, $2, 'image/jpeg', $3, $4) \
                     ON CONFLICT (photo_key, size) DO NOTHING",
                )
                .bind(key)
                .bind(size.slug())
                .bind(jpeg.to_vec())
                .bind(now)
                .execute(self.pool())
                .await
                .map_err(failed)?;
                Ok(())
            }
            Uploads::Directory(dir) => {
                let path = dir.join(format!("{key}-{}.jpg", size.slug()));
                let temp = dir.join(format!(".{key}-{}.{now}.tmp", size.slug()));
                // Written aside and renamed: a reader never sees half a file.
                let result = async {
                    tokio::fs::create_dir_all(dir).await?;
                    tokio::fs::write(&temp, jpeg).await?;
                    tokio::fs::rename(&temp, &path).await
                }
                .await;
                result.map_err(|e| {
                    tracing::error!(error = %e, path = %path.display(), "could not store a photo");
                    StoreError::Failed {
                        reference: "photo-write".into(),
                    }
                })
            }
        }
    }

    pub async fn photo(&self, key: &str, size: PhotoSize) -> Result<Option<Vec<u8>>, StoreError> {
        if !valid_key(key) {
            return Ok(None);
        }
        match self.uploads.as_ref() {
            Uploads::Database => sqlx::query_scalar("SELECT bytes FROM photos WHERE photo_key = $1 AND size = $2")
                .bind(key)
                .bind(size.slug())
                .fetch_optional(self.pool())
                .await
                .map_err(failed),
            Uploads::Directory(dir) => match tokio::fs::read(dir.join(format!("{key}-{}.jpg", size.slug()))).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => {
                    tracing::error!(error = %e, "could not read a photo");
                    Err(StoreError::Failed {
                        reference: "photo-read".into(),
                    })
                }
            },
        }
    }
}
