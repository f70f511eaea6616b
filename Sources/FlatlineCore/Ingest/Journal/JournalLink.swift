internal import CSystemd
internal import CZlib
