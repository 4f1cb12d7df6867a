import type { FolderPaths } from '../../../storage/folder-paths.ts';

/** Options of `fileRoutes` and of each route group below it. */
export interface FileRoutesOptions {
  paths: FolderPaths;
  /** `--multi-user`: users from `user/users.json`, selected by the `comfy-user` header. */
  multiUser: boolean;
  /** `--max-upload-size` in bytes: the limit of an uploaded file and of a user-data body. */
  maxUploadBytes: number;
}
