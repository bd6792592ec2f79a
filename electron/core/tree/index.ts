// The flow-tree loader's public face: loadTree for a job's subtree, loadChildrenPage for the
// next page of a truncated bucket.
export { loadTree, type LoadTreeOptions } from './tree-loader';
export { DEFAULT_DEPTH, DEFAULT_PAGE_SIZE, DEFAULT_MAX_NODES, MAX_PAGE_SIZE } from './tree-options';
export { loadChildrenPage, type ChildrenPage, type ChildrenPageOptions } from './children-page';
